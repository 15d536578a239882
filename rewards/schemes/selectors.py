"""Reading schemes and a resident's balances in them."""

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from backend.welsh import in_language
from rewards.schemes.models import Scheme, SchemeMember, Wallet
from venues.models import Council


def scheme_id_of_loaded(council) -> int | None:
    """The scheme of a council loaded with ``select_related("...points_scheme")``, without a
    query (None for a council that has none yet)."""
    member = getattr(council, "points_scheme", None)  # RelatedObjectDoesNotExist: none
    return member.scheme_id if member is not None else None


def scheme_public_id_of_loaded(council):
    """The API's id (a UUID) of the scheme of a council loaded with
    ``select_related("...points_scheme__scheme")``, without a query."""
    member = getattr(council, "points_scheme", None)
    return member.scheme.public_id if member is not None else None


def schemes_with_figures(schemes: QuerySet[Scheme]) -> QuerySet[Scheme]:
    """``schemes`` with ``wallet_count`` and ``points_outstanding`` (the sum of their wallets'
    balances) computed in the same query, what each was merged into joined, and their councils
    in one more query (the back office's list: its queries do not grow with the page)."""
    wallets = Wallet.objects.filter(scheme=OuterRef("pk")).order_by().values("scheme")
    return (
        schemes.annotate(
            wallet_count=Coalesce(Subquery(wallets.annotate(n=Count("pk")).values("n")), 0),
            points_outstanding=Coalesce(
                Subquery(
                    wallets.annotate(
                        points=Sum(F("account__credits_posted") - F("account__debits_posted"))
                    ).values("points")
                ),
                0,
            ),
        )
        .select_related("merged_into")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=SchemeMember.objects.select_related("council").order_by("council__name"),
            )
        )
    )


def councils_with_schemes() -> QuerySet[Council]:
    """Every council by name, with the scheme it is in now (``current_scheme_id``,
    ``current_scheme_name``) and how many councils share it (``current_scheme_size``): one
    query, for the back office's choice of councils."""
    size = (
        SchemeMember.objects.filter(scheme=OuterRef("points_scheme__scheme"))
        .order_by()
        .values("scheme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Council.objects.order_by("name", "pk").annotate(
        current_scheme_id=F("points_scheme__scheme_id"),
        current_scheme_name=F("points_scheme__scheme__name"),
        current_scheme_size=Coalesce(Subquery(size), 0),
    )


def points_balance(resident) -> int:
    """The sum over the resident's wallets, from their account rows: one query."""
    totals = Wallet.objects.filter(resident=resident).aggregate(
        credits=Sum("account__credits_posted", default=0),
        debits=Sum("account__debits_posted", default=0),
    )
    return totals["credits"] - totals["debits"]


def points_balances(resident) -> list[dict]:
    """``[{scheme, name, councils: [{id, name}], points}]`` (a council's name in the reader's
    language), one per scheme the resident has
    earned in, by scheme name; a merged scheme's wallet shows under what it was merged into
    only once its points moved (its balance is then 0 and it is left out). Two queries."""
    wallets = list(
        Wallet.objects.filter(resident=resident)
        .annotate(points=F("account__credits_posted") - F("account__debits_posted"))
        .select_related("scheme")
        .order_by("scheme__name", "scheme_id")
    )
    wallets = [w for w in wallets if w.scheme.merged_into_id is None or w.points]
    councils: dict[int, list[dict]] = {}
    language = get_language()
    for scheme_id, council_id, council_name, council_name_cy in (
        SchemeMember.objects.filter(scheme_id__in=[w.scheme_id for w in wallets])
        .order_by("council__name")
        .values_list("scheme_id", "council_id", "council__name", "council__name_cy")
    ):
        councils.setdefault(scheme_id, []).append(
            {"id": str(council_id), "name": in_language(language, council_name, council_name_cy)}
        )
    return [
        {
            "scheme": wallet.scheme.public_id,
            "name": wallet.scheme.name,
            "councils": councils.get(wallet.scheme_id, []),
            "points": wallet.points,
        }
        for wallet in wallets
    ]
