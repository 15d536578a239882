"""What a person chose to get by email: read by the apps that send it, written by the pages
and the API (``GET/PATCH /api/v1/me/email-preferences/``).

A person without a row has the defaults (`EmailPreferences`'s field defaults), so nobody needs
a row made for them at registration; the first change makes it.
"""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import EmailPreferences, User

EDITABLE_FIELDS = ("wants_reply_emails", "comment_alerts")


def email_preferences_of(user: User) -> EmailPreferences:
    """The person's preferences (an unsaved row with the defaults when they never chose)."""
    found = EmailPreferences.objects.filter(user_id=user.pk).first()
    return found if found is not None else EmailPreferences(user_id=user.pk)


def email_preferences_update(*, user: User, **changes) -> EmailPreferences:
    """Change some of ``EDITABLE_FIELDS``; the others keep their values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an email preference: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        preferences, _ = EmailPreferences.objects.select_for_update().get_or_create(user=user)
        for name, value in changes.items():
            setattr(preferences, name, value)
        preferences.full_clean(exclude=["user"])
        preferences.save()
    return preferences


def users_wanting_alerts_at_once(users: Iterable[User]) -> list[User]:
    """Those of ``users`` who hear of low-rated and reported comments at once (one query)."""
    users = list(users)
    in_digest = set(
        EmailPreferences.objects.filter(
            user_id__in=[user.pk for user in users],
            comment_alerts=EmailPreferences.CommentAlerts.IN_DIGEST,
        ).values_list("user_id", flat=True)
    )
    return [user for user in users if user.pk not in in_digest]
