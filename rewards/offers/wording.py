"""An offer in words, in English or Welsh: what it gives, when, on what terms, and (for a
signed-in resident) how far they are from it.

`offer_summary` is the one place an offer is put into words: the offers API's ``summary`` and
``progress``, the poster page, the venue page and the wallet all call it, so a new kind of
offer, or a new term of one, is worded once. Examples (English, then Welsh):

- ``10 points every visit`` / ``10 pwynt bob ymweliad``
- ``A voucher for “Free hot drink” on your first visit``
- ``Every 5th visit: 10 points`` / ``Bob 5ed ymweliad: 10 pwynt``
- ``10 points for 3 visits within 30 days`` / ``10 pwynt am 3 ymweliad o fewn 30 diwrnod``

Ordinals are written as numbers with their suffix (5th, 5ed). Welsh suffixes depend on the
number's name, so up to the twentieth they come from a table; a longer cycle is worded as "for
every 25 visits" in both languages rather than risk a wrong form.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.welsh import in_language
from rewards.models import Offer, OfferRule
from rewards.offers.progress import OfferProgress

ORDINALS_UP_TO = 20
_WELSH_ORDINAL_SUFFIXES = {
    1: "af", 2: "il", 3: "ydd", 4: "ydd", 5: "ed", 6: "ed", 7: "fed", 8: "fed", 9: "fed",
    10: "fed", 11: "eg", 12: "fed", 13: "eg", 14: "eg", 15: "fed", 16: "eg", 17: "eg",
    18: "fed", 19: "eg", 20: "fed",
}  # fmt: skip


@dataclass(frozen=True)
class OfferSummary:
    """``sentence``: what it gives and when; ``terms``: its dates and limits (may be empty);
    ``progress``: the resident's standing (empty when there is nothing to say, or no
    resident)."""

    sentence: str
    terms: str = ""
    progress: str = ""

    @property
    def text(self) -> str:
        """The offer in words, for anyone."""
        return " ".join(part for part in (self.sentence, self.terms) if part)

    def __str__(self) -> str:
        return " ".join(part for part in (self.text, self.progress) if part)


def offer_summary(
    offer: Offer, language: str | None = None, progress: OfferProgress | None = None
) -> OfferSummary:
    """``offer`` in words in ``language`` ("en-gb" or "cy"; None: the active language), with
    ``progress`` (`rewards.offers.progress.offers_progress`) for a signed-in resident."""
    with translation.override(language or translation.get_language()):
        reward = _reward(offer)
        return OfferSummary(
            sentence=capfirst(_sentence(offer, reward)) + ".",
            terms=" ".join(_terms(offer)),
            progress=_progress(offer, reward, progress) if progress else "",
        )


def _number(value: int) -> str:
    return f"{value:,}"


def _reward(offer: Offer) -> str:
    if offer.voucher_title:
        title = in_language(translation.get_language(), offer.voucher_title, offer.voucher_title_cy)
        return _("a voucher for “%(title)s”") % {"title": title}
    return ngettext("%(count)s point", "%(count)s points", offer.points) % {
        "count": _number(offer.points)
    }


def ordinal(number: int) -> str:
    """``5`` -> "5th" in English, "5ed" in Welsh (up to `ORDINALS_UP_TO`)."""
    if translation.get_language() == "cy":
        return f"{number}{_WELSH_ORDINAL_SUFFIXES[number]}"
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _days(days: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": _number(days)}


def _sentence(offer: Offer, reward: str) -> str:
    words = {"reward": reward}
    if offer.rule == OfferRule.FIRST_CHECKIN:
        return _("%(reward)s on your first visit") % words
    if offer.rule == OfferRule.NTH_CHECKIN and offer.every_n > 1:
        if offer.every_n <= ORDINALS_UP_TO:
            return _("every %(ordinal)s visit: %(reward)s") % {
                **words,
                "ordinal": ordinal(offer.every_n),
            }
        return _("%(reward)s for every %(count)s visits") % {
            **words,
            "count": _number(offer.every_n),
        }
    if offer.rule == OfferRule.FREQUENCY:
        return ngettext(
            "%(reward)s for %(count)s visit within %(period)s",
            "%(reward)s for %(count)s visits within %(period)s",
            offer.every_n,
        ) % {**words, "count": _number(offer.every_n), "period": _days(offer.window_days)}
    return _("%(reward)s every visit") % words  # every_checkin, and every 1st visit


def _date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def _terms(offer: Offer) -> list[str]:
    terms = []
    audience = getattr(offer, "audience", "everyone")
    if audience == "children":
        terms.append(_("For children and young people under 18."))
    elif audience == "adults":
        terms.append(_("For adults (18 and over)."))
    now = timezone.now()
    if offer.starts_at and offer.starts_at > now:
        if offer.ends_at:
            terms.append(
                _("From %(start)s until %(end)s.")
                % {"start": _date(offer.starts_at), "end": _date(offer.ends_at)}
            )
        else:
            terms.append(_("From %(start)s.") % {"start": _date(offer.starts_at)})
    elif offer.ends_at:
        terms.append(_("Until %(end)s.") % {"end": _date(offer.ends_at)})
    if offer.per_user_limit:
        terms.append(
            ngettext("Once per person.", "Up to %(count)s times per person.", offer.per_user_limit)
            % {"count": _number(offer.per_user_limit)}
        )
    if offer.max_rewards:
        given = getattr(offer, "rewards_given", None)
        if given is not None and given >= offer.max_rewards:
            terms.append(_("All of these rewards have been given."))
        else:
            terms.append(
                ngettext(
                    "Limited to %(count)s reward in all.",
                    "Limited to %(count)s rewards in all.",
                    offer.max_rewards,
                )
                % {"count": _number(offer.max_rewards)}
            )
    return terms


def _progress(offer: Offer, reward: str, progress: OfferProgress) -> str:
    if progress.limit_reached:
        return ngettext(
            "You have had this reward once, the most allowed.",
            "You have had this reward %(count)s times, the most allowed.",
            progress.times_earned,
        ) % {"count": _number(progress.times_earned)}
    if offer.rule == OfferRule.FIRST_CHECKIN:
        if progress.times_earned:
            return _("You earned this on your first visit.")
        if progress.visits:
            return _("You have visited before, so this is for new visitors only.")
        return _("Check in here to earn it.")
    if offer.rule == OfferRule.EVERY_CHECKIN or offer.every_n == 1:
        return ""  # every visit earns it: nothing to count
    if progress.visits_to_go is None:
        return ""
    words = {"count": _number(progress.visits_to_go), "reward": reward}
    if offer.rule == OfferRule.FREQUENCY:
        if progress.deadline is None:
            return ngettext(
                "%(count)s visit within %(period)s for %(reward)s.",
                "%(count)s visits within %(period)s for %(reward)s.",
                progress.visits_to_go,
            ) % {**words, "period": _days(offer.window_days)}
        return ngettext(
            "%(count)s more visit by %(date)s for %(reward)s.",
            "%(count)s more visits by %(date)s for %(reward)s.",
            progress.visits_to_go,
        ) % {**words, "date": _date(progress.deadline)}
    return (
        ngettext(
            "%(count)s more visit for %(reward)s.",
            "%(count)s more visits for %(reward)s.",
            progress.visits_to_go,
        )
        % words
    )
