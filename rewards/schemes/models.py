"""A points scheme is a currency: each council is in one, alone unless a superuser groups
councils (a library consortium) so their residents' points buy any member's catalog.

A resident holds one `Wallet` per scheme they have earned in: a ledger account named
``wallet:<resident>:<scheme>`` (POINTS, never below zero). The ledger stays generic: the scheme
is only part of the account's name, its asset stays POINTS, so a grouping of schemes moves
balances between wallets and leaves every offer's pool as it was.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.ledger.models import LedgerAccount, LedgerTransaction
from venues.models import Council


class Scheme(models.Model):
    # The key inside: the ledger's account names (``wallet:<resident>:<id>``), which are
    # append-only history, and every foreign key use it. The API addresses a scheme by
    # ``public_id``, a UUID like every other resource's (API.md, "For the app's developers").
    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    # Set when the scheme was grouped into another: its wallets were moved there, and it has
    # no council left. Kept for the history its lots and statements point at.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")

    def __str__(self) -> str:
        return self.name


class SchemeMember(models.Model):
    """A council's place in a scheme: exactly one per council."""

    council = models.OneToOneField(
        Council,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="points_scheme",
        verbose_name=_("council"),
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="members", verbose_name=_("points scheme")
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["scheme", "council"]
        verbose_name = _("council in a points scheme")
        verbose_name_plural = _("councils in points schemes")

    def __str__(self) -> str:
        return gettext("council %(council)s, scheme %(scheme)s") % {
            "council": self.council_id,
            "scheme": self.scheme_id,
        }


class Wallet(models.Model):
    """A resident's points in one scheme: the index from (resident, scheme) to the ledger
    account that holds them, so the hot path and the statement find it by key, not by name."""

    account = models.OneToOneField(
        LedgerAccount,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="points_wallet",
        verbose_name=_("ledger account"),
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="wallets",
        verbose_name=_("resident"),
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="wallets", verbose_name=_("points scheme")
    )

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        constraints = [
            models.UniqueConstraint(fields=["resident", "scheme"], name="wallet_one_per_scheme")
        ]

    def __str__(self) -> str:
        return gettext("resident %(resident)s, scheme %(scheme)s") % {
            "resident": self.resident_id,
            "scheme": self.scheme_id,
        }


class PointsLot(models.Model):
    """Points earned together in one wallet, expiring together: spending draws from the
    wallet's lots that expire soonest, and the expiry job posts ``expire`` for what is left in
    lapsed lots. Invariant: a wallet's balance is the sum of its lots' ``remaining``."""

    id = models.BigAutoField(primary_key=True)
    wallet = models.ForeignKey(
        Wallet, on_delete=models.PROTECT, related_name="lots", verbose_name=_("wallet")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="points_lots",
        verbose_name=_("resident"),
    )
    earned = models.PositiveIntegerField(_("earned"))
    remaining = models.PositiveIntegerField(_("remaining"))
    earned_at = models.DateTimeField(_("earned at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ledger transaction"),
    )

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        ordering = ["expires_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__lte=F("earned")), name="points_lot_remaining_le_earned"
            ),
        ]
        indexes = [
            models.Index(
                fields=["wallet", "expires_at", "id"],
                condition=Q(remaining__gt=0),
                name="points_lot_open_in_wallet",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(remaining)s/%(earned)s points until %(date)s") % {
            "remaining": self.remaining,
            "earned": self.earned,
            "date": f"{self.expires_at:%Y-%m-%d}",
        }
