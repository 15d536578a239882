"""Read queries about accounts."""

from accounts import personal_data
from accounts.models import MemberCode, User
from accounts.preferences import email_preferences_of


def user_export(*, user: User) -> dict:
    """Everything held about ``user``: the account and each app's registered section."""
    return {
        "account": {
            "id": str(user.id),
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "member_code": next(map(str, MemberCode.objects.filter(user=user)), None),
        },
        "email_preferences": {
            "wants_reply_emails": (preferences := email_preferences_of(user)).wants_reply_emails,
            "comment_alerts": preferences.comment_alerts,
        },
        **personal_data.export_sections(user),
    }
