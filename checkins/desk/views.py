"""Staff check someone in at the desk, and the screen by the entrance.

``/desk/check-in/``: a member code (from the resident's card) or an email, then "Check in":
the same service as ``POST /api/v1/checkins/assisted/``, with the same cooldown, travel and
reward rules; the answer in the desk's unmistakable colours (green "Checked in", red "Not
checked in" and why). The form carries its own key, so a double tap checks in once.

``/desk/screen/?venue=<id>``: a page for a tablet by the entrance, showing the venue's current
code as a QR. Its script asks ``/desk/screen/code/`` for the next code as the current one is
replaced, and keeps the last good one on show through a network blip until it expires, then
says it is reconnecting; without JavaScript the page reloads itself every period.
"""

import math
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from accounts.member_codes import member_find
from backend import errors
from backend.errors import ApplicationError
from backend.idempotency import idempotent_page_action
from checkins import error_codes
from checkins.desk.forms import AssistedCheckinForm
from checkins.models import CheckIn
from checkins.presence import duration
from checkins.services import checkin_record_assisted
from rewards.desk.selectors import desk_venues
from rewards.models import Voucher
from venues.access import request_access
from venues.models import CouncilLanguage
from venues.qr import qr_svg
from venues.screens.services import screen_code_current

# What staff are told for each refusal (the service's own words are the resident's).
STAFF_WORDS = {
    errors.NOT_FOUND.code: (
        gettext_lazy("Unknown member"),
        gettext_lazy(
            "No member has this code or email. Check it with them; without an account they can "
            "create one on any poster's page."
        ),
    ),
    error_codes.COOLDOWN.code: (
        gettext_lazy("Already checked in"),
        None,
    ),  # with the wait: _refusal
    error_codes.IMPOSSIBLE_TRAVEL.code: (
        gettext_lazy("Checked in elsewhere just now"),
        gettext_lazy("They checked in at another venue too recently to be here already."),
    ),
    error_codes.OWN_CHECKIN.code: (
        gettext_lazy("Your own check-in"),
        gettext_lazy("You cannot check yourself in. Ask a colleague to do it."),
    ),
    error_codes.VENUE_INACTIVE.code: (
        gettext_lazy("Venue closed"),
        gettext_lazy("This venue is closed for good."),
    ),
    errors.PERMISSION_DENIED.code: (
        gettext_lazy("Not your venue"),
        gettext_lazy("You do not work at this venue."),
    ),
}


def _venues_or_refusal(request):
    venues = list(desk_venues(access=request_access(request)))
    if venues:
        return venues, None
    return venues, render(
        request, "desk/not_staff.html", {"title": _("The desk is for venue staff")}, status=403
    )


@never_cache
@csrf_protect
@login_required
def checkin_desk_page(request):
    venues, refusal = _venues_or_refusal(request)
    if refusal:
        return refusal
    form = AssistedCheckinForm(request.POST or None, venues=venues)
    outcome, status = None, 200
    if request.method == "POST" and form.is_valid():
        outcome, status = _check_in(request, form)
        # A fresh form (and so a fresh key): what was typed stays to be corrected if refused.
        kept = {"venue": form.data.get("venue")}
        if not outcome["ok"]:
            kept["resident"] = form.cleaned_data["resident"]
        form = AssistedCheckinForm(venues=venues, initial=kept)
    form.fields["attempt"].initial = uuid.uuid4().hex
    context = {"title": _("Check someone in"), "form": form, "venues": venues, "outcome": outcome}
    return render(request, "desk/checkin.html", context, status=status)


def _check_in(request, form) -> tuple[dict, int]:
    venue, typed = form.chosen_venue(), form.cleaned_data["resident"]

    def check_in() -> dict:
        resident = member_find(typed=typed)
        if resident is None:
            raise ApplicationError(errors.NOT_FOUND, _("No member has this code or email."))
        outcome = checkin_record_assisted(staff=request.user, venue=venue, resident=resident)
        return {
            "checkin": str(outcome.checkin.pk),
            "points": outcome.points_earned,
            "vouchers": [reward["voucher"] for reward in outcome.rewards if "voucher" in reward],
        }

    try:
        if form.cleaned_data["attempt"]:
            done = idempotent_page_action(
                user=request.user,
                key=f"desk-checkin:{form.cleaned_data['attempt']}",
                fingerprint=f"desk-checkin:{typed.strip().lower()}:{venue.pk}",
                action=check_in,
            )
            if "error" in done:
                raise ApplicationError.from_outcome(done)
        else:
            done = check_in()
    except ApplicationError as exc:
        return _refusal(exc), exc.status
    checkin = CheckIn.objects.select_related("resident", "venue").get(pk=done["checkin"])
    return {
        "ok": True,
        "checkin": checkin,
        "points": done["points"],
        "vouchers": list(Voucher.objects.filter(pk__in=done["vouchers"]).order_by("title")),
    }, 201


def _refusal(exc: ApplicationError) -> dict:
    heading, sentence = STAFF_WORDS.get(exc.code, (_("Not checked in"), exc.detail))
    if exc.code == error_codes.COOLDOWN.code:
        wait = duration(int(exc.extra.get("retry_after", 0)))
        sentence = _("They checked in here recently. They can check in again in %(wait)s.") % {
            "wait": wait
        }
    return {"ok": False, "reason": heading, "detail": sentence}


def _screen_venue(request):
    """The venue of ``?venue=`` if the person works there (404 otherwise), and their venues."""
    venues = list(desk_venues(access=request_access(request)))
    wanted = request.GET.get("venue") or (str(venues[0].pk) if len(venues) == 1 else "")
    venue = next((venue for venue in venues if str(venue.pk) == wanted), None)
    return venue, venues


def _screen_frame(venue) -> dict:
    code = screen_code_current(venue=venue)
    now = timezone.now()
    return {
        "token": code.token,
        "svg": str(
            qr_svg(
                code.url, label=_("QR code to check in: %(venue)s") % {"venue": venue.shown_name}
            )
        ),
        "changes_in_ms": max(int((code.changes_at - now).total_seconds() * 1000), 0),
        "expires_in_ms": max(int((code.expires_at - now).total_seconds() * 1000), 0),
    }


@never_cache
@login_required
@require_safe
def screen_page(request):
    venue, venues = _screen_venue(request)
    if not venues:
        return _venues_or_refusal(request)[1]
    if venue is None:
        return render(
            request, "desk/screen_choose.html", {"title": _("Choose the venue"), "venues": venues}
        )
    period = settings.SCREEN_CODE_SECONDS
    return render(
        request,
        "desk/screen.html",
        {
            "title": _("Check in at %(venue)s") % {"venue": venue.shown_name},
            "venue": venue,
            "frame": _screen_frame(venue),
            "languages": _screen_words(venue),
            # Without JavaScript the page reloads when the code changes (at least every second).
            "reload_seconds": max(math.ceil(period), 1),
        },
    )


def _screen_words(venue) -> list[dict]:
    """What the screen says to residents, in each language of the council (Welsh first for a
    Welsh or bilingual council, as its posters print); an English council's screen speaks the
    language of whoever opened it."""
    languages = {
        CouncilLanguage.WELSH: ["cy"],
        CouncilLanguage.BILINGUAL: ["cy", "en-gb"],
    }.get(venue.council.language, [translation.get_language() or "en-gb"])
    words = []
    for language in languages:
        with translation.override(language):
            words.append(
                {
                    "lang": "cy" if language == "cy" else "en-GB",
                    "title": _("Check in at %(venue)s") % {"venue": venue.shown_name},
                    "scan": _("Scan this code with your phone's camera to check in."),
                    "help": _("No smartphone? Ask staff at the desk."),
                    "reconnecting": _("Reconnecting… the code will be back in a moment."),
                }
            )
    return words


@never_cache
@login_required
@require_safe
def screen_code_page(request):
    """The screen's next frame as JSON (its script asks as the code is replaced)."""
    venue, _ = _screen_venue(request)
    if venue is None:
        raise Http404
    return JsonResponse(_screen_frame(venue))
