import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.ledger.memos import memo_in_words


class Asset(models.TextChoices):
    POINTS = "POINTS", _("Points")
    VOUCHER = "VOUCHER", _("Voucher")


class TransactionKind(models.TextChoices):
    EARN = "earn", _("Earn")
    CLAIM = "claim", _("Claim")
    REDEEM = "redeem", _("Redeem")
    EXPIRE = "expire", _("Expire")
    REVERSE = "reverse", _("Reverse")
    ADJUST = "adjust", _("Adjust")


class AppendOnlyError(Exception):
    """Ledger rows are never changed or deleted: post a reversing transaction instead."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class LedgerAccount(models.Model):
    """An account holding one asset. ``name`` is the caller's key (``wallet:<user id>``...).

    The balance is ``credits_posted - debits_posted``; the database refuses any row whose
    balance falls under ``min_balance`` (none: unbounded, as for sources and sinks).
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    asset = models.CharField(_("asset"), max_length=16, choices=Asset.choices)
    min_balance = models.BigIntegerField(_("minimum balance"), null=True, blank=True)
    debits_posted = models.BigIntegerField(_("debits posted"), default=0)
    credits_posted = models.BigIntegerField(_("credits posted"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(fields=["name", "asset"], name="ledger_account_unique_name"),
            models.CheckConstraint(
                condition=Q(min_balance__isnull=True)
                | Q(credits_posted__gte=F("debits_posted") + F("min_balance")),
                name="ledger_account_within_min_balance",
            ),
            models.CheckConstraint(
                condition=Q(debits_posted__gte=0, credits_posted__gte=0),
                name="ledger_account_posted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.asset})"

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def paid_out(self) -> int:
        """What a source account (an offer's pool, a stock) has given out, net."""
        return self.debits_posted - self.credits_posted

    def falls_under_minimum(self, change: int = 0) -> bool:
        """Whether its balance moved by ``change`` is under ``min_balance`` (the rule the
        check constraint holds; the services ask first, to refuse with `InsufficientBalance`)."""
        return self.min_balance is not None and self.balance + change < self.min_balance

    @property
    def left_under_minimum(self) -> int | None:
        """What it may still pay out before its minimum (None: unbounded)."""
        if self.min_balance is None:
            return None
        return max(self.balance - self.min_balance, 0)


class LedgerTransaction(AppendOnlyModel):
    """One posting: entries that sum to zero per asset, under a unique idempotency key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=TransactionKind.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    request_hash = models.CharField(_("request hash"), max_length=64)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True, db_index=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.idempotency_key}"

    @property
    def memo_shown(self) -> str:
        """The memo in the reader's language (the ledger keeps it in English: memos.py)."""
        return memo_in_words(self.memo)


class Entry(AppendOnlyModel):
    """One leg of a transaction: a credit (positive) or debit (negative) of one account."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("ledger transaction"),
    )
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("ledger account"),
    )
    asset = models.CharField(_("asset"), max_length=16, choices=Asset.choices)
    amount = models.BigIntegerField(_("amount"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account")]

    def __str__(self) -> str:
        return gettext("%(amount)s %(asset)s to account %(account)s") % {
            "amount": f"{self.amount:+d}",
            "asset": self.asset,
            "account": self.account_id,
        }
