"""What the resident's pages read: one resident's points, vouchers, catalog and check-ins (the
wallet), and a venue's offers in words with the resident's progress (every page that shows
offers)."""

from django.db.models import Max, Q
from django.utils import timezone

from checkins.models import CheckIn
from checkins.selectors import checkins_of_resident
from rewards.catalog.selectors import catalog_item_list_active, catalog_items_with_stock_left
from rewards.models import CatalogItem, Voucher
from rewards.offers.progress import offers_progress
from rewards.offers.selectors import offer_list_live_at_venue
from rewards.offers.wording import offer_summary
from rewards.schemes.selectors import points_balances, scheme_public_id_of_loaded
from rewards.vouchers.selectors import voucher_list_of, vouchers_with_shown_status
from rewards.wallet.selectors import wallet_statement
from venues.models import Venue

STATEMENT_LINES = 10
VOUCHERS_SHOWN = 20
CHECKINS_SHOWN = 5
PROGRESS_VENUES = 3


def resident_council_ids(*, resident) -> set:
    """The councils a resident has a link with: where they checked in or hold a voucher."""
    visited = CheckIn.objects.filter(resident=resident).values_list("venue__council_id", flat=True)
    held = Voucher.objects.filter(resident=resident).values_list("council_id", flat=True)
    return set(visited.distinct()) | set(held.distinct())


def resident_catalog(*, resident) -> list[CatalogItem]:
    """The active catalog items of the resident's councils, cheapest first, with stock left."""
    councils = resident_council_ids(resident=resident)
    items = (
        catalog_item_list_active()
        .filter(council_id__in=councils)
        .filter(Q(venue__isnull=True) | Q(venue__is_active=True))
        .select_related("venue")
        .order_by("cost_points", "title", "id")
    )
    return catalog_items_with_stock_left(items)


def _councils_named(balance: dict) -> str:
    return ", ".join(council["name"] for council in balance["councils"])


def resident_wallet(*, resident) -> dict:
    """Everything the wallet page shows, each part in one query or two.

    Points are per scheme: each balance says where it can be spent, and each catalog item
    carries ``points_missing``, what the resident lacks in the scheme of the item's council.
    """
    vouchers = voucher_list_of(resident=resident).select_related("venue", "council")
    balances = [
        {**balance, "spent_at": _councils_named(balance)}
        for balance in points_balances(resident)
        if balance["points"] or balance["councils"]
    ]
    by_scheme = {balance["scheme"]: balance for balance in balances}
    catalog = resident_catalog(resident=resident)
    for item in catalog:
        balance = by_scheme.get(scheme_public_id_of_loaded(item.council))
        missing = max(item.cost_points - (balance["points"] if balance else 0), 0)
        item.points_missing = missing  # type: ignore[attr-defined]  # for the template
        item.points_from = balance["spent_at"] if balance else item.council.shown_name  # type: ignore[attr-defined]
    return {
        "balance": sum(balance["points"] for balance in balances),
        "balances": balances,
        "statement": list(wallet_statement(resident=resident)[:STATEMENT_LINES]),
        "vouchers": vouchers_with_shown_status(list(vouchers[:VOUCHERS_SHOWN])),
        "catalog": catalog,
        "checkins": list(checkins_of_resident(resident=resident)[:CHECKINS_SHOWN]),
        "progress": resident_offer_progress(resident=resident),
    }


def offers_in_words(*, venue, resident=None) -> list[dict]:
    """The venue's live offers, each with its words (`offer_summary`): what it gives, its terms
    and, for a signed-in resident, their progress. The poster page, the venue page and the
    wallet all show offers through this."""
    offers = list(offer_list_live_at_venue(venue=venue, at=timezone.now()))
    progress = {}
    if resident is not None and resident.is_authenticated and offers:
        progress = offers_progress(offers=offers, resident=resident, venue=venue)
    return [
        {"offer": offer, "summary": offer_summary(offer, progress=progress.get(offer.pk))}
        for offer in offers
    ]


def resident_offer_progress(*, resident) -> list[dict]:
    """Where the resident stands with the offers of the venues they visited last
    (``PROGRESS_VENUES`` of them, most recent first): ``[{venue, offers}]``, venues without a
    live offer left out."""
    recent = (
        CheckIn.objects.filter(resident=resident)
        .values("venue_id")
        .annotate(last=Max("created_at"))
        .order_by("-last")[:PROGRESS_VENUES]
    )
    order = [row["venue_id"] for row in recent]
    venues = Venue.objects.filter(pk__in=order, is_active=True).select_related("council")
    by_id = {venue.pk: venue for venue in venues}
    shown = []
    for venue_id in order:
        venue = by_id.get(venue_id)
        if venue is None:
            continue
        offers = offers_in_words(venue=venue, resident=resident)
        if offers:
            shown.append({"venue": venue, "offers": offers})
    return shown
