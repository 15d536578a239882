"""Evidence of presence: how a check-in showed the resident was there, and which of it an offer
accepts (DESIGN.md, "Evidence of presence"; API.md, "Evidence, the desk and fraud review").

What each kind proves, and how it fails:
- ``location``: the phone's fix inside the geofence, no poster. Mock-location apps can lie, one
  device at a time.
- ``poster``: a poster's code and no usable fix. Someone saw the poster, or a photo of it: one
  photo online pays everyone.
- ``poster_and_location``: both, the fix agreeing with the poster's venue.
- ``desk_screen``: the rotating code of the screen by the door; a relayed photo is stale before
  it arrives.
- ``staff``: a person at the desk checked the resident in, and is named on the record.

An offer stores what it accepts as a bit set (``Offer.accepted_evidence``: one small integer the
database holds to 1..31, so an offer always accepts something and nothing unknown), read and
written as a list of these names (``Offer.accepts``). `offer_accepts_evidence` is the one place
that decides whether a check-in's evidence earns an offer: the check-in's payout asks it once
per offer (``rewards.offers.earning``), and so must anything later that treats a holder
differently (issue 25: children, who never need location to earn anything).
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Evidence(models.TextChoices):
    LOCATION = "location", gettext_lazy("the phone's location")
    POSTER = "poster", gettext_lazy("the poster alone")
    POSTER_AND_LOCATION = "poster_and_location", gettext_lazy("the poster and the phone's location")
    DESK_SCREEN = "desk_screen", gettext_lazy("the code on the screen by the desk")
    STAFF = "staff", gettext_lazy("staff at the desk")


# One bit per kind, in the enum's order: never reorder, the database stores the bits.
_BITS = {kind: 1 << index for index, kind in enumerate(Evidence.values)}
ALL_EVIDENCE = sum(_BITS.values())  # 31
# Everything but a poster seen alone: what an offer worth money should ask for.
NOT_POSTER_ALONE = ALL_EVIDENCE & ~_BITS[Evidence.POSTER]


def evidence_mask(kinds: Iterable[str]) -> int:
    """The bit set of ``kinds`` (names of `Evidence`); raises ValueError on an unknown one."""
    mask = 0
    for kind in kinds:
        if kind not in _BITS:
            raise ValueError(f"Unknown evidence {kind!r}: one of {', '.join(Evidence.values)}.")
        mask |= _BITS[kind]
    return mask


def evidence_kinds(mask: int) -> list[str]:
    """The names in the bit set ``mask``, in the enum's order."""
    return [kind for kind, bit in _BITS.items() if mask & bit]


def offer_accepts_evidence(offer, evidence: str) -> bool:
    """Whether a check-in shown by ``evidence`` may earn ``offer`` (an `Offer` or the check-in's
    `LiveOffer`: anything with ``accepted_evidence``). The one decision of it."""
    return bool(offer.accepted_evidence & _BITS[evidence])


def how_to_earn_in_words(accepts: Iterable[str]) -> str:
    """What a resident could do to show presence in a way the offer accepts, as the start of a
    sentence ("Allow your location, or scan the code on the screen by the desk"), in the
    request's language. Only what a resident can do themselves is named first; staff last."""
    accepts = set(accepts)
    ways = []
    if accepts & {Evidence.LOCATION, Evidence.POSTER_AND_LOCATION}:
        ways.append(_("allow your location"))
    if Evidence.DESK_SCREEN in accepts:
        ways.append(_("scan the code on the screen by the desk"))
    if Evidence.STAFF in accepts:
        ways.append(_("ask staff at the desk to check you in"))
    if not ways:
        ways.append(_("scan the poster"))
    sentence = (
        ways[0]
        if len(ways) == 1
        else _("%(ways)s, or %(last)s")
        % {
            "ways": ", ".join(ways[:-1]),
            "last": ways[-1],
        }
    )
    return sentence[:1].upper() + sentence[1:]
