import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively: stored lower-cased and stripped."""
    return email.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = normalize_email(email)
        extra_fields.setdefault("display_name", email.split("@", 1)[0][:60])
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a resident, and possibly a council or venue role holder (``roles``).

    Logs in with its email; there is no username. ``display_name`` is the only thing other
    people (venue managers, other residents) ever see of it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log into the admin (council and venue back-office staff)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        help_text=_("When the account's personal data was erased."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        help_text=_(
            "Asked at sign-up (accounts.ages); empty for accounts made before ages were "
            "asked, until they give it."
        ),
    )
    guardian = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("guardian"),
        help_text=_("A child added by a parent or carer: never signs in (accounts.children)."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["date_joined"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_is_lower_case"
            ),
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2200),
                name="user_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(guardian__isnull=True) | models.Q(birth_year__isnull=False),
                name="user_child_has_birth_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("id")),
                name="user_not_own_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_child(self) -> bool:
        """A child added by a parent or carer (no sign-in of their own)."""
        return self.guardian_id is not None

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)


class CommentAlertChoice(models.TextChoices):
    AT_ONCE = "at_once", _("Email me at once")
    IN_DIGEST = "in_digest", _("Put them in the weekly digest")


class EmailPreferences(models.Model):
    """What a person chose to get by email, beyond what they must (password resets).

    No row means the defaults: a resident is emailed when the venue replies to their comment;
    a venue manager hears of a low-rated or reported comment at once. Read and written through
    ``accounts.preferences``; other apps ask it, so the choice lives in one place.
    """

    CommentAlerts = CommentAlertChoice

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preferences",
        verbose_name=_("user"),
    )
    wants_reply_emails = models.BooleanField(
        _("wants reply emails"),
        default=True,
        help_text=_("Email me when a venue replies to my comment."),
    )
    comment_alerts = models.CharField(
        _("comment alerts"),
        max_length=16,
        choices=CommentAlertChoice.choices,
        default=CommentAlertChoice.AT_ONCE,
        help_text=_("Comments rated 1 or 2, or hidden by reports, at the venues I manage."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email preferences")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment_alerts__in=CommentAlertChoice.values),
                name="email_preferences_comment_alerts_known",
            ),
        ]

    def __str__(self) -> str:
        return _("Email preferences: %(user)s") % {"user": self.user_id}


# The poster codes' alphabet (venues/posters/tokens.py): no 0/O or 1/I, easy to read out.
MEMBER_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MEMBER_CODE_LENGTH = 8


class MemberCode(models.Model):
    """A holder's card number (``K7QM-P3XH``): what staff type at the desk to check in someone
    without a smartphone, printed on the holder's card (``accounts.member_codes``).

    Its own table, not a column of ``User``, so every kind of holder of check-ins and wallets
    draws from one space of unique codes. A child added by a parent (issue 25) is an account of
    its own (``User.guardian``), so its code is a ``user``'s like any other. Stored without the
    dash.
    """

    code = models.CharField(_("code"), max_length=MEMBER_CODE_LENGTH, unique=True)
    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="member_code",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member code")
        verbose_name_plural = _("member codes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False), name="member_code_has_a_holder"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=rf"^[{MEMBER_CODE_ALPHABET}]{{8}}$"),
                name="member_code_of_the_alphabet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


class RefreshTokenRotation(models.Model):
    """A refresh token that was exchanged, and the pair it was exchanged for.

    Kept so that the same token sent again within ``JWT_REFRESH_REUSE_GRACE_SECONDS`` (a phone
    that lost the answer and retries) gets that same pair, and so that a use after the grace is
    recognised as reuse (``token_reused``) and ends its sign-in. Purged once the used token has
    expired (``manage.py purge_token_rotations``, daily).
    """

    jti = models.CharField(
        _("token id"), max_length=255, primary_key=True, help_text=_("The used token's id.")
    )
    family = models.CharField(
        _("family"), max_length=64, db_index=True, help_text=_("The sign-in it belongs to.")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    rotated_at = models.DateTimeField(_("rotated at"))
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("When the used token would have expired.")
    )
    access = models.TextField(_("access token"))
    refresh = models.TextField(_("refresh token"))

    class Meta:
        verbose_name = _("refresh token rotation")
        verbose_name_plural = _("refresh token rotations")
        indexes = [models.Index(fields=["expires_at"], name="token_rotation_expiry")]

    def __str__(self) -> str:
        return _("%(jti)s rotated at %(time)s") % {
            "jti": self.jti,
            "time": f"{self.rotated_at:%Y-%m-%d %H:%M:%S}",
        }


class RevokedTokenFamily(models.Model):
    """A sign-in whose refresh tokens are all refused from now on (its access tokens lapse with
    their short lifetime)."""

    class Reason(models.TextChoices):
        REUSED = "reused", _("A used refresh token was sent again after its grace")
        PASSWORD_CHANGED = "password_changed", _("The password changed")

    family = models.CharField(_("family"), max_length=64, primary_key=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    revoked_at = models.DateTimeField(_("revoked at"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("After this no token of the family is valid.")
    )

    class Meta:
        verbose_name = _("revoked token family")
        verbose_name_plural = _("revoked token families")

    def __str__(self) -> str:
        return f"{self.family} ({self.get_reason_display()})"
