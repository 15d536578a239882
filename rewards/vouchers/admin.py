"""The back office's vouchers: a record of what was issued and spent, read-only for everyone
(superusers too: a voucher changes only through its services, so the ledger agrees). Venue
managers see the vouchers of their venues, council admins those of their councils. Residents
are named by their display name; only superusers see an email address."""

from django.contrib import admin
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.back_office.admin import every_venue_of
from rewards.models import Voucher
from rewards.vouchers.services import normalise_code
from venues.back_office import ScopedAdmin, ScopedRelatedFilter, back_office_access


def _name_and_email(path: str):
    return Concat(
        f"{path}__display_name",
        Value(" <"),
        f"{path}__email",
        Value(">"),
        output_field=CharField(),
    )


@admin.register(Voucher)
class VoucherAdmin(ScopedAdmin):
    venue_path, council_path = "venue", "council"
    is_read_only = True
    list_display = [
        "code",
        "title",
        "resident_name",
        "where",
        "status",
        "issued_at",
        "expires_at",
        "redeemed_at",
        "redeemed_by_name",
    ]
    list_filter = ["status", ("venue", ScopedRelatedFilter)]
    search_fields = ["code"]
    list_select_related = ["venue", "council"]
    fields = [
        "code",
        "title",
        "resident_name",
        "where",
        "status",
        "issued_at",
        "expires_at",
        "redeemed_at",
        "redeemed_by_name",
        "redeemed_venue",
        "source",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        """Names people as this viewer may see them, in the query (no per-row lookups)."""
        queryset = super().get_queryset(request)
        if back_office_access(request).is_superuser:
            return queryset.annotate(
                resident_shown=_name_and_email("resident"),
                redeemer_shown=_name_and_email("redeemed_by"),
            )
        return queryset.annotate(
            resident_shown=F("resident__display_name"),
            redeemer_shown=F("redeemed_by__display_name"),
        )

    def get_search_results(self, request, queryset, search_term):
        """Codes are found as staff type them (``k7qm 3xhd`` finds ``K7QM-3XHD``)."""
        term = normalise_code(search_term) if search_term.strip() else search_term
        return super().get_search_results(request, queryset, term)

    @admin.display(description=_("resident"), ordering="resident__display_name")
    def resident_name(self, voucher: Voucher) -> str:
        return voucher.resident_shown

    @admin.display(description=_("redeemed by"))
    def redeemed_by_name(self, voucher: Voucher) -> str:
        return voucher.redeemer_shown if voucher.redeemed_by_id else "-"

    @admin.display(description=_("where"), ordering="venue__name")
    def where(self, voucher: Voucher) -> str:
        return every_venue_of(voucher)

    @admin.display(description=_("from"))
    def source(self, voucher: Voucher) -> str:
        if voucher.offer_id:
            return gettext("offer: %(title)s") % {"title": voucher.offer.title}
        return gettext("catalog: %(title)s") % {"title": voucher.catalog_item.title}
