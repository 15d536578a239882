"""Ages from a birth year, worked out the careful way (the ICO Children's code).

Only the year of birth is kept (data minimisation): someone born in year Y is, this year,
either ``this year - Y - 1`` (before their birthday) or ``this year - Y`` (after it). Every check
here takes the *younger* of the two, so a rule that protects children can never miss one:
registration refuses anyone who might still be 12, only someone certainly 18 may add children,
and the high-privacy defaults cover anyone who might still be 17. Someone born in 2013 is
refused until 1 January 2027 even if their birthday has passed: the price of not asking for
the day.

An account without a birth year (made before ages were asked, or by ``createsuperuser``) is
treated as an adult by these checks until it gives one; its pages ask it once, before anything
else (``accounts.web.birth_year``).
"""

from django.db.models import Q
from django.utils import timezone

MINIMUM_AGE = 13  # UK GDPR art. 8 and the Data Protection Act 2018 s.9
ADULT_AGE = 18
OLDEST_AGE = 120


def this_year() -> int:
    return timezone.localdate().year


def youngest_possible_age(birth_year: int) -> int:
    """The age someone born in ``birth_year`` has at least, today."""
    return this_year() - birth_year - 1


def birth_year_bounds() -> tuple[int, int]:
    """The earliest and latest birth years a form accepts (a newborn child to 120)."""
    return this_year() - OLDEST_AGE, this_year()


def is_too_young_to_register(birth_year: int) -> bool:
    return youngest_possible_age(birth_year) < MINIMUM_AGE


def is_certainly_adult(birth_year: int | None) -> bool:
    return birth_year is not None and youngest_possible_age(birth_year) >= ADULT_AGE


def is_minor(user) -> bool:
    """Anyone who might be under 18: a child added by a parent, or a 13-17 year old's own
    account. Gets the high-privacy defaults (no coordinates kept, comments held and shown
    without a name, no digest or marketing email, counts only in the insight figures)."""
    if getattr(user, "guardian_id", None) is not None:
        return True
    birth_year = getattr(user, "birth_year", None)
    return birth_year is not None and youngest_possible_age(birth_year) < ADULT_AGE


def minors_q(prefix: str = "") -> Q:
    """``is_minor`` as a filter on users (``prefix``: the path to the user, ``"user__"``)."""
    latest_adult_year = this_year() - ADULT_AGE - 1
    return Q(**{f"{prefix}guardian__isnull": False}) | Q(
        **{f"{prefix}birth_year__gt": latest_adult_year}
    )
