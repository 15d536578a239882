"""Account changes: registration, the profile, and erasure (email changes:
accounts.email_change)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import error_codes, personal_data
from accounts.member_codes import member_code_of
from accounts.models import MemberCode, RefreshTokenRotation, User, normalize_email
from backend.errors import INVALID, ApplicationError
from backend.models import IdempotencyRecord


def user_register(*, email: str, password: str, display_name: str) -> User:
    """Create a resident's account. Refuses a taken email and a weak password."""
    email = normalize_email(email)
    candidate = User(email=email, display_name=display_name)
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
                email=email, password=password, display_name=display_name
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


def user_erase(*, user: User) -> None:
    """Erase the caller's personal data (UK GDPR art. 17), keeping what must be kept.

    The row stays, pseudonymised, so that ledger entries and check-in counts that point at it
    keep adding up; every app's registered eraser runs first, in the same transaction. The
    account can never log in again and its refresh tokens are blacklisted.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        personal_data.erase_sections(user)
        user.email = f"erased-{user.pk}@erased.invalid"
        user.display_name = "Former resident"
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
