"""The back office's offers: listed with their budgets as the ledger keeps them, created and
edited through the API's services (`rewards.back_office.admin` says how a refusal reaches
the form). A venue manager makes offers for their venue; a council admin for the council or
any of its venues (the choices offer nothing else)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rewards.back_office.admin import ServiceAdmin, ServiceForm, every_venue_of
from rewards.evidence import (
    ALL_EVIDENCE,
    NOT_POSTER_ALONE,
    Evidence,
    evidence_kinds,
    evidence_mask,
)
from rewards.models import Offer, OfferAudience
from rewards.offers.services import (
    EDITABLE_FIELDS,
    offer_create,
    offer_create_errors,
    offer_update,
    offer_update_errors,
)
from venues.back_office import ScopedRelatedFilter

# What earns an offer, in the words a manager decides by (the API's `accepts`).
ACCEPTS_PRESETS = {
    "any": (
        ALL_EVIDENCE,
        _(
            "A photo of the poster is enough: any check-in earns it. Fine for points; a photo "
            "of the poster online pays everyone who sees it."
        ),
    ),
    "present": (
        NOT_POSTER_ALONE,
        _(
            "Needs the phone's location or the desk screen (or staff at the desk). Choose this "
            "for anything worth money."
        ),
    ),
    "in_person": (
        evidence_mask([Evidence.DESK_SCREEN, Evidence.STAFF]),
        _("Only in person at the desk: the code on the desk screen, or staff checking them in."),
    ),
}


class AcceptsField(forms.ChoiceField):
    """`Offer.accepts` as one choice of plain words; cleaned to the list of evidence kinds. An
    offer set otherwise through the API keeps its own choice, described."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        choices = [(key, words) for key, (_mask, words) in ACCEPTS_PRESETS.items()]
        super().__init__(choices=choices, **kwargs)

    def offer(self, mask: int) -> str:
        """The choice of ``mask``, added when it is no preset; returns its key."""
        for key, (preset, _words) in ACCEPTS_PRESETS.items():
            if preset == mask:
                return key
        key = f"mask:{mask}"
        names = ", ".join(str(Evidence(kind).label) for kind in evidence_kinds(mask))
        self.choices = [
            *self.choices,
            (key, gettext("As set through the API: %(names)s.") % {"names": names}),
        ]
        return key

    def clean(self, value):
        key = super().clean(value)
        if key.startswith("mask:"):
            return evidence_kinds(int(key.removeprefix("mask:")))
        return evidence_kinds(ACCEPTS_PRESETS[key][0])


class OfferForm(ServiceForm):
    voucher_valid_days = forms.IntegerField(
        min_value=1,
        required=False,
        label=capfirst(Offer._meta.get_field("voucher_valid_days").verbose_name),
    )
    accepts = AcceptsField(
        label=_("Which check-ins earn it"),
        initial="any",
        help_text=_(
            "How the resident showed they were there. A check-in that does not earn it still "
            "counts as a visit, and the resident is told what would have."
        ),
    )

    class Meta:
        model = Offer
        fields = ["council", "venue", *EDITABLE_FIELDS]
        help_texts = {
            "council": _("For an offer at every venue of the council (council admins only)."),
            "venue": _("For one venue's own offer."),
            "points": _("Points per reward; 0 for a voucher offer."),
            "voucher_title": _("For a voucher offer: what the voucher is for."),
            "max_rewards": _("The budget: how many rewards in all (empty: no limit)."),
            "per_user_limit": _("How many rewards one resident may get (empty: no limit)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "council" in self.fields:  # a venue's offer takes the venue's council
            self.fields["council"].required = False
        if not self.instance._state.adding:
            self.initial["accepts"] = self.fields["accepts"].offer(self.instance.accepted_evidence)
        if "audience" in self.fields:  # left out: everyone, as through the API
            self.fields["audience"].required = False

    def clean_audience(self):
        return self.cleaned_data.get("audience") or OfferAudience.EVERYONE

    def service_errors(self):
        if self.instance._state.adding:
            fields = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
            return offer_create_errors(
                council=self.cleaned_data.get("council"),
                venue=self.cleaned_data.get("venue"),
                fields=fields,
            )
        return offer_update_errors(offer=self.instance, changes=self.changes())

    def changes(self) -> dict:
        return self.service_changes(EDITABLE_FIELDS)


def _units(amount: int, offer: Offer) -> str:
    if offer.voucher_title:
        words = ngettext("%(count)s voucher", "%(count)s vouchers", amount)
    else:
        words = ngettext("%(count)s point", "%(count)s points", amount)
    return words % {"count": amount}


@admin.register(Offer)
class OfferAdmin(ServiceAdmin):
    form = OfferForm
    venue_path, council_path = "venue", "council"
    list_display = [
        "title",
        "where",
        "rule",
        "reward",
        "earned_by",
        "budget_used",
        "budget_left",
        "state",
        "starts_at",
        "ends_at",
    ]
    list_filter = [
        "is_active",
        "rule",
        ("venue", ScopedRelatedFilter),
        ("council", ScopedRelatedFilter),
    ]
    search_fields = ["title", "voucher_title"]
    list_select_related = ["venue", "council", "pool"]
    budget_figures = ["budget_used", "budget_left", "state"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["council", "venue", *EDITABLE_FIELDS]
        return ["where", *self.budget_figures, *EDITABLE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["where", *self.budget_figures]

    @admin.display(description=_("where"), ordering="venue__name")
    def where(self, offer: Offer) -> str:
        return every_venue_of(offer)

    @admin.display(description=_("earned by"))
    def earned_by(self, offer: Offer) -> str:
        if offer.accepted_evidence == ALL_EVIDENCE:
            return gettext("any check-in")
        if offer.accepted_evidence == NOT_POSTER_ALONE:
            return gettext("location or desk screen")
        return ", ".join(str(Evidence(kind).label) for kind in offer.accepts)

    @admin.display(description=_("reward"))
    def reward(self, offer: Offer) -> str:
        if offer.voucher_title:
            return gettext("voucher: %(title)s") % {"title": offer.voucher_title}
        return _units(offer.points, offer)

    @admin.display(description=_("budget used"))
    def budget_used(self, offer: Offer) -> str:
        pool = offer.pool
        return _units(pool.paid_out if pool else 0, offer)

    @admin.display(description=_("budget left"))
    def budget_left(self, offer: Offer) -> str:
        pool = offer.pool
        left = pool.left_under_minimum if pool else None
        if pool is None and offer.max_rewards is not None:  # not made yet: nothing paid
            left = offer.max_rewards * (1 if offer.voucher_title else offer.points)
        return gettext("no limit") if left is None else _units(left, offer)

    @admin.display(description=_("live or ended"))
    def state(self, offer: Offer) -> str:
        now = timezone.now()
        if offer.ends_at and offer.ends_at <= now:
            return gettext("ended")
        if not offer.is_active:
            return gettext("switched off")
        if offer.starts_at and offer.starts_at > now:
            return gettext("not started")
        return gettext("live")

    def save_with_service(self, request, form, change):
        if change:
            return offer_update(offer=form.instance, changes=form.changes(), actor=request.user)
        data = form.cleaned_data
        return offer_create(
            council=data.get("council"),
            venue=data.get("venue"),
            created_by=request.user,
            **{name: data[name] for name in EDITABLE_FIELDS},
        )
