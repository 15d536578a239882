"""Rewards: what venue managers offer, what residents hold, and the ledger beneath.

Every point and voucher moves through the ledger (``rewards.ledger``); the rows here describe
offers and vouchers and index the ledger for the questions it cannot answer quickly (which
points expire when: ``PointsLot``; who was rewarded for which check-in: ``RewardGrant``).
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from backend.welsh import in_language
from rewards.bounds import CATALOG_MAXIMA, OFFER_MAXIMA, count_field, upper_bound_constraints
from rewards.evidence import ALL_EVIDENCE, evidence_kinds, evidence_mask
from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction
from rewards.schemes.models import PointsLot, Scheme, SchemeMember, Wallet
from venues.models import Council, Venue

__all__ = [
    "CatalogItem",
    "Entry",
    "LedgerAccount",
    "LedgerTransaction",
    "Offer",
    "PointsLot",
    "RewardGrant",
    "Scheme",
    "SchemeMember",
    "Voucher",
    "Wallet",
]


WELSH_HELP = _("Shown instead of the English to Welsh readers, when set.")


class OfferRule(models.TextChoices):
    EVERY_CHECKIN = "every_checkin", _("Every check-in")  # every accepted check-in
    # the resident's first ever check-in at the venue
    FIRST_CHECKIN = "first_checkin", _("First check-in")
    NTH_CHECKIN = "nth_checkin", _("Every n-th check-in")  # every every_n-th check-in at the venue
    # the every_n-th check-in within window_days
    FREQUENCY = "frequency", _("n check-ins within a number of days")


class OfferAudience(models.TextChoices):
    """Who an offer is for (issue 25): a library's holiday reading challenge is for children."""

    EVERYONE = "everyone", _("Everyone")
    CHILDREN = "children", _("Children and young people (under 18)")
    ADULTS = "adults", _("Adults (18 and over)")


class Offer(models.Model):
    """An earning rule of a venue (``venue`` set) or of every venue of a council.

    It rewards ``points`` or a voucher (``voucher_title``; with ``stripe_coupon_id`` also a
    Stripe promotion code). ``max_rewards`` is the limit of the offer's ledger pool account,
    so the budget holds whatever the concurrency; ``per_user_limit`` is counted under the
    resident's row lock that every check-in takes. ``accepts`` (stored as the bit set
    ``accepted_evidence``) names the evidence of presence that earns it
    (``rewards.evidence``).
    """

    Rule = OfferRule

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="offers", verbose_name=_("council")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("venue"),
    )
    title = models.CharField(_("title"), max_length=120)
    title_cy = models.CharField(
        _("title in Welsh"), max_length=120, blank=True, help_text=WELSH_HELP
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    description_cy = models.TextField(
        _("description in Welsh"), blank=True, max_length=2000, help_text=WELSH_HELP
    )
    rule = models.CharField(_("rule"), max_length=16, choices=OfferRule.choices)
    points = count_field(OFFER_MAXIMA, "points", default=0, verbose_name=_("points"))
    voucher_title = models.CharField(_("voucher title"), max_length=120, blank=True)
    voucher_title_cy = models.CharField(
        _("voucher title in Welsh"), max_length=120, blank=True, help_text=WELSH_HELP
    )
    stripe_coupon_id = models.CharField(_("Stripe coupon id"), max_length=100, blank=True)
    voucher_valid_days = count_field(
        OFFER_MAXIMA, "voucher_valid_days", null=True, verbose_name=_("voucher valid for (days)")
    )
    every_n = count_field(OFFER_MAXIMA, "every_n", null=True, verbose_name=_("every n check-ins"))
    window_days = count_field(
        OFFER_MAXIMA, "window_days", null=True, verbose_name=_("within (days)")
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    max_rewards = count_field(OFFER_MAXIMA, "max_rewards", null=True, verbose_name=_("max rewards"))
    per_user_limit = count_field(
        OFFER_MAXIMA, "per_user_limit", null=True, verbose_name=_("per user limit")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Which evidence of presence earns it (rewards.evidence): a bit set, read as `accepts`.
    accepted_evidence = models.PositiveSmallIntegerField(
        _("accepted evidence"), default=ALL_EVIDENCE
    )
    # Who may earn it: anyone under 18 (accounts.ages.is_minor) is a child here.
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=OfferAudience.choices,
        default=OfferAudience.EVERYONE,
        help_text=_(
            "Who may earn it. An offer for children accepts the poster, the desk "
            "screen and staff: a child never needs to share a location."
        ),
    )
    # The ledger account it pays from, made with the offer: a check-in reads it with the offer.
    pool = models.OneToOneField(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("pool"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(points__gt=0) & Q(voucher_title=""))
                | (Q(points=0) & ~Q(voucher_title="")),
                name="offer_rewards_points_or_a_voucher",
            ),
            models.CheckConstraint(
                condition=Q(stripe_coupon_id="") | ~Q(voucher_title=""),
                name="offer_stripe_coupon_needs_a_voucher",
            ),
            models.CheckConstraint(
                condition=~Q(rule__in=["nth_checkin", "frequency"]) | Q(every_n__gte=1),
                name="offer_counting_rules_need_every_n",
            ),
            models.CheckConstraint(
                condition=~Q(rule="frequency") | Q(window_days__gte=1),
                name="offer_frequency_needs_a_window",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="offer_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(max_rewards__isnull=True) | Q(max_rewards__gte=1),
                name="offer_max_rewards_positive",
            ),
            models.CheckConstraint(
                condition=Q(per_user_limit__isnull=True) | Q(per_user_limit__gte=1),
                name="offer_per_user_limit_positive",
            ),
            *upper_bound_constraints("offer", OFFER_MAXIMA),
            models.CheckConstraint(
                condition=Q(accepted_evidence__gte=1, accepted_evidence__lte=ALL_EVIDENCE),
                name="offer_accepts_some_known_evidence",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=OfferAudience.values), name="offer_audience_known"
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "is_active"], name="offer_venue_live"),
            models.Index(fields=["council", "is_active"], name="offer_council_live"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the language of the request being answered."""
        return in_language(get_language(), self.title, self.title_cy)

    @property
    def shown_description(self) -> str:
        return in_language(get_language(), self.description, self.description_cy)

    @property
    def shown_voucher_title(self) -> str:
        return in_language(get_language(), self.voucher_title, self.voucher_title_cy)

    @property
    def accepts(self) -> list[str]:
        """The evidence kinds that earn this offer, in ``Evidence``'s order."""
        return evidence_kinds(self.accepted_evidence)

    @accepts.setter
    def accepts(self, kinds) -> None:
        self.accepted_evidence = evidence_mask(kinds)


class RewardGrant(models.Model):
    """One reward an offer gave for one check-in (points or a voucher). The check-in is named
    by id: rewards knows nothing of the checkins app.

    A grant of a check-in voided for fraud is ``voided_at``: it no longer counts against the
    offer's budget, its per-resident limit or its rules, and ``taken_back`` says how much of it
    (points, or 1 for an unredeemed voucher) went back to the offer's pool; the rest (points
    already spent, a voucher already redeemed) is the shortfall.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="grants", verbose_name=_("offer")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reward_grants",
        verbose_name=_("resident"),
    )
    checkin_id = models.UUIDField(_("check-in id"))
    points = models.PositiveIntegerField(_("points"), default=0)
    voucher = models.OneToOneField(
        "Voucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant",
        verbose_name=_("voucher"),
    )
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ledger transaction"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    taken_back = models.PositiveIntegerField(_("taken back"), null=True, blank=True)

    class Meta:
        verbose_name = _("reward given")
        verbose_name_plural = _("rewards given")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "checkin_id"], name="reward_grant_once_per_checkin"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, taken_back__isnull=True)
                | Q(voided_at__isnull=False, taken_back__isnull=False),
                name="reward_grant_void_says_what_was_taken_back",
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "resident", "-created_at"], name="grant_offer_resident"),
        ]

    def __str__(self) -> str:
        return gettext("%(offer)s for check-in %(checkin)s") % {
            "offer": self.offer_id,
            "checkin": self.checkin_id,
        }


class CatalogItem(models.Model):
    """Something residents buy with points: each claim issues a voucher. ``stock`` is the
    limit of the item's ledger stock account (none: unlimited)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="catalog_items", verbose_name=_("council")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalog_items",
        verbose_name=_("venue"),
    )
    title = models.CharField(_("title"), max_length=120)
    title_cy = models.CharField(
        _("title in Welsh"), max_length=120, blank=True, help_text=WELSH_HELP
    )
    cost_points = count_field(CATALOG_MAXIMA, "cost_points", verbose_name=_("cost in points"))
    stock = count_field(CATALOG_MAXIMA, "stock", null=True, verbose_name=_("stock"))
    valid_days = count_field(
        CATALOG_MAXIMA, "valid_days", null=True, verbose_name=_("voucher valid for (days)")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_points__gte=1), name="catalog_item_costs_points"
            ),
            *upper_bound_constraints("catalog_item", CATALOG_MAXIMA),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the language of the request being answered."""
        return in_language(get_language(), self.title, self.title_cy)


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")
    VOID = "void", _("Void")


class Voucher(models.Model):
    """A resident's voucher, from an offer or a catalog claim. Valid at ``venue``, or at every
    venue of ``council`` when no venue is set. Status moves by
    ``rewards.vouchers.services.TRANSITIONS`` (issued -> redeemed | expired | void; a desk
    redemption undone within ``REDEEM_UNDO_MINUTES``: redeemed -> issued)."""

    Status = VoucherStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=16, unique=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="vouchers",
        verbose_name=_("resident"),
    )
    title = models.CharField(_("title"), max_length=120)
    # The Welsh title of the offer's voucher or the catalog item, as it was when issued.
    title_cy = models.CharField(_("title in Welsh"), max_length=120, blank=True)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("council")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("venue"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("offer"),
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("catalog item"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed by"),
    )
    redeemed_venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue where redeemed"),
    )
    # How often a desk redemption of it was undone: the next redemption's ledger key.
    redemptions_undone = models.PositiveSmallIntegerField(_("redemptions undone"), default=0)
    # The Stripe promotion code's id (promo_...) once Stripe has created it; its code is `code`.
    stripe_promotion_code = models.CharField(_("Stripe promotion code"), max_length=100, blank=True)
    issue_transaction = models.OneToOneField(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="issued_voucher",
        verbose_name=_("issuing transaction"),
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offer__isnull=False) ^ Q(catalog_item__isnull=False),
                name="voucher_from_an_offer_or_the_catalog",
            ),
            models.CheckConstraint(
                condition=Q(status="redeemed", redeemed_at__isnull=False)
                | (~Q(status="redeemed") & Q(redeemed_at__isnull=True)),
                name="voucher_redeemed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VoucherStatus.values), name="voucher_status_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("issued_at")), name="voucher_expires_after_issue"
            ),
            # The Stripe webhook finds a voucher by the promotion code a checkout used.
            models.UniqueConstraint(
                fields=["stripe_promotion_code"],
                condition=~Q(stripe_promotion_code=""),
                name="voucher_stripe_promotion_code_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["resident", "-issued_at"], name="voucher_resident_recent"),
            models.Index(fields=["status", "expires_at"], name="voucher_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def shown_title(self) -> str:
        """The title in the language of the request being answered."""
        return in_language(get_language(), self.title, self.title_cy)

    def has_lapsed(self, at: datetime) -> bool:
        """Past its expiry at ``at``, whether or not the expiry job has settled it yet."""
        return self.expires_at <= at


class StripePromotionCode(models.Model):
    """The outbox row of a voucher that is also a Stripe promotion code.

    Written in the transaction that issues the voucher; the Stripe call happens after commit
    (rewards.stripe.outbox), and again with backoff until it succeeds or is refused for good.
    Until then the voucher says its promotion code is ``pending``.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("promotion code", "Pending")  # to be created
        CREATED = "created", pgettext_lazy("promotion code", "Created")  # live at the checkout
        # the voucher was used or lapsed here: to be turned off
        DEACTIVATING = "deactivating", pgettext_lazy("promotion code", "Deactivating")
        DEACTIVATED = "deactivated", pgettext_lazy("promotion code", "Deactivated")
        # the voucher was used or lapsed before its code was made
        CANCELLED = "cancelled", pgettext_lazy("promotion code", "Cancelled")
        FAILED = (
            "failed",
            pgettext_lazy("promotion code", "Failed"),
        )  # given up; manage.py stripe_outbox_retry puts it back

    # Each state, and where the outbox may move it (rewards.stripe.outbox).
    TRANSITIONS = {
        State.PENDING: {State.CREATED, State.DEACTIVATING, State.CANCELLED, State.FAILED},
        State.CREATED: {State.DEACTIVATING},
        State.DEACTIVATING: {State.DEACTIVATED, State.FAILED},
        State.DEACTIVATED: set(),
        # A code Stripe made after its voucher was settled is turned off at once.
        State.CANCELLED: {State.DEACTIVATING},
        State.FAILED: {State.PENDING, State.DEACTIVATING},  # put back by hand
    }
    HAS_CODE = (State.CREATED, State.DEACTIVATING, State.DEACTIVATED)

    voucher = models.OneToOneField(
        Voucher,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stripe_promotion",
        verbose_name=_("voucher"),
    )
    coupon_id = models.CharField(_("coupon id"), max_length=100)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    promotion_code_id = models.CharField(_("promotion code id"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Part of the idempotency key: raised when failed rows are queued again by hand, since
    # Stripe replays a refusal to the same key for 24 hours.
    key_generation = models.PositiveSmallIntegerField(_("key generation"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Stripe promotion code")
        verbose_name_plural = _("Stripe promotion codes")
        constraints = [
            models.CheckConstraint(
                # "failed" may have a code (turning it off failed) or not (making it failed).
                condition=Q(
                    state__in=["created", "deactivating", "deactivated"],
                    promotion_code_id__gt="",
                )
                | Q(state__in=["pending", "cancelled"], promotion_code_id="")
                | Q(state="failed"),
                name="stripe_promotion_code_id_once_created",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "pending",
                        "created",
                        "deactivating",
                        "deactivated",
                        "cancelled",
                        "failed",
                    ]
                ),
                name="stripe_promotion_state_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "deactivating"]),
                name="stripe_promotion_due",
            ),
        ]

    def __str__(self) -> str:
        """The voucher's code (its promotion code's too) and the state, in words."""
        return f"{self.voucher.code}: {self.get_state_display()}"

    @property
    def idempotency_key(self) -> str:
        key = f"voucher-{self.voucher_id}-promotion-code"
        return key if not self.key_generation else f"{key}-{self.key_generation}"


class StripeEvent(models.Model):
    """A Stripe webhook event, stored once: a delivery Stripe repeats finds its id here."""

    event_id = models.CharField(_("event id"), max_length=255, primary_key=True)
    type = models.CharField(_("type"), max_length=100)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type})"
