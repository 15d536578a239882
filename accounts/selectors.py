"""Read queries about accounts."""

from accounts import personal_data
from accounts.models import User


def user_export(*, user: User) -> dict:
    """Everything held about ``user``: the account and each app's registered section."""
    return {
        "account": {
            "id": str(user.id),
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        **personal_data.export_sections(user),
    }
