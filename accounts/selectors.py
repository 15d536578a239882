"""Read queries about accounts."""

from accounts import personal_data
from accounts.children.selectors import children_of
from accounts.models import MemberCode, User
from accounts.preferences import email_preferences_of


def child_export(*, child: User) -> dict:
    """Everything held about one child, for their parent: the child (no email: a child's is a
    placeholder nobody receives) and each app's registered section."""
    return {
        "account": {
            "id": str(child.id),
            "first_name": child.display_name,
            "birth_year": child.birth_year,
            "date_added": child.date_joined,
            "member_code": next(map(str, MemberCode.objects.filter(user=child)), None),
        },
        **personal_data.export_sections(child),
    }


def user_export(*, user: User) -> dict:
    """Everything held about ``user``: the account, each app's registered section, and
    everything held about each of their children (a parent answers for them)."""
    return {
        "account": {
            "id": str(user.id),
            "email": user.email,
            "display_name": user.display_name,
            "birth_year": user.birth_year,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "member_code": next(map(str, MemberCode.objects.filter(user=user)), None),
        },
        "children": [child_export(child=child) for child in children_of(parent=user)],
        "email_preferences": {
            "wants_reply_emails": (preferences := email_preferences_of(user)).wants_reply_emails,
            "comment_alerts": preferences.comment_alerts,
        },
        **personal_data.export_sections(user),
    }
