"""The largest values an offer or a catalog item may hold (README, "Limits").

One table, read three times: by the API's serializers (so the OpenAPI schema states them), by
the services that save (so the back office refuses them beside the field) and by the database's
check constraints (so no path stores them). Past these, dates overflow (a voucher valid for
3,000,000 days ends after year 9999) and counts stop meaning anything; every check-in at the
venue then failed with them.
"""

from django.core.validators import MaxValueValidator
from django.db.models import CheckConstraint, PositiveIntegerField, Q
from django.utils.translation import gettext

OFFER_MAXIMA = {
    "points": 1_000_000,
    "voucher_valid_days": 3650,
    "every_n": 10_000,
    "window_days": 3650,
    "max_rewards": 10_000_000,
    "per_user_limit": 10_000,
}
CATALOG_MAXIMA = {
    "cost_points": 1_000_000,
    "stock": 10_000_000,
    "valid_days": 3650,
}


def count_field(maxima: dict[str, int], field: str, *, null: bool = False, **options):
    """A model's ``PositiveIntegerField`` held to its maximum (the admin's forms then show the
    refusal beside the field); ``null`` makes it optional."""
    return PositiveIntegerField(
        null=null, blank=null, validators=[MaxValueValidator(maxima[field])], **options
    )


def upper_bound_constraints(prefix: str, maxima: dict[str, int]) -> list[CheckConstraint]:
    return [
        CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": maximum}),
            name=f"{prefix}_{field}_at_most_{maximum}",
        )
        for field, maximum in maxima.items()
    ]


def over_maxima_errors(instance, maxima: dict[str, int]) -> dict[str, list[str]]:
    """Each field of ``instance`` over its maximum, with a sentence."""
    return {
        field: [gettext("Must be at most %(maximum)s.") % {"maximum": f"{maximum:,}"}]
        for field, maximum in maxima.items()
        if isinstance(getattr(instance, field), int) and getattr(instance, field) > maximum
    }
