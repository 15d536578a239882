"""Account changes: registration, the profile, and erasure (email changes:
accounts.email_change)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import ages, error_codes, personal_data
from accounts.member_codes import member_code_of
from accounts.models import MemberCode, RefreshTokenRotation, User, normalize_email
from backend.errors import INVALID, ApplicationError
from backend.models import IdempotencyRecord


def birth_year_check(birth_year: int) -> None:
    """Refuses a year no living person was born in, and anyone who might be under 13
    (``too_young``: a parent or carer adds them to their family instead)."""
    earliest, latest = ages.birth_year_bounds()
    if not earliest <= birth_year <= latest:
        message = _("Enter the year you were born, like 1990.")
        raise ApplicationError(INVALID, message, fields={"birth_year": [message]})
    if ages.is_too_young_to_register(birth_year):
        message = _(
            "You need to be 13 or older to have your own account. Ask a parent or carer: "
            "they can add you to their account."
        )
        raise ApplicationError(error_codes.TOO_YOUNG, message, fields={"birth_year": [message]})


def user_register(*, email: str, password: str, display_name: str, birth_year: int) -> User:
    """Create a resident's account. Refuses anyone who might be under 13, a taken email and a
    weak password."""
    birth_year_check(birth_year)
    email = normalize_email(email)
    candidate = User(email=email, display_name=display_name, birth_year=birth_year)
    try:
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ApplicationError(
            INVALID, _("The password is too weak."), fields={"password": list(exc.messages)}
        ) from exc
    taken = ApplicationError(
        error_codes.EMAIL_TAKEN,
        _("An account with this email already exists."),
        fields={"email": [_("An account with this email already exists.")]},
    )
    if User.objects.filter(email=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, display_name=display_name, birth_year=birth_year
            )
            member_code_of(user=user)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise taken from exc
    return user


def user_profile_update(*, user: User, display_name: str) -> User:
    """Change the name other people see (beside comments, in the back office)."""
    display_name = display_name.strip()
    if not display_name:
        raise ApplicationError(
            INVALID, _("Enter your name."), fields={"display_name": [_("Enter your name.")]}
        )
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(display_name=display_name[:60])
    user.display_name = display_name[:60]
    return user


def user_birth_year_set(*, user: User, birth_year: int) -> User:
    """Record the birth year of an account made before ages were asked (asked once, on its
    next page sign-in). Refused as registration would refuse it."""
    birth_year_check(birth_year)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(birth_year=birth_year)
    user.birth_year = birth_year
    return user


def user_erase(*, user: User) -> None:
    """Erase the caller's personal data (UK GDPR art. 17), keeping what must be kept.

    The row stays, pseudonymised, so that ledger entries and check-in counts that point at it
    keep adding up; every app's registered eraser runs first, in the same transaction. The
    account can never log in again and its refresh tokens are blacklisted. A parent's children
    are erased with them; an erased child is no longer linked to its parent.
    """
    with transaction.atomic():
        # A parent's children go with them: nobody else may act for them.
        for child in User.objects.filter(guardian=user, erased_at__isnull=True):
            user_erase(user=child)
        user = User.objects.select_for_update().get(pk=user.pk)
        personal_data.erase_sections(user)
        user.email = f"erased-{user.pk}@erased.invalid"
        user.display_name = "Former resident"
        user.birth_year = None
        user.guardian = None
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.erased_at = timezone.now()
        user.save()
        # Stored answers of the user's POSTs can quote what they wrote.
        IdempotencyRecord.objects.filter(user=user).delete()
        # A card found later must name nobody.
        MemberCode.objects.filter(user=user).delete()
        # Replayable token pairs (refresh tokens are refused anyway: the password changed).
        RefreshTokenRotation.objects.filter(user=user).delete()
        user.groups.clear()
        user.user_permissions.clear()
        outstanding = OutstandingToken.objects.filter(user=user).exclude(
            blacklistedtoken__isnull=False
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
