"""The page a phone opens from a poster's QR code (``/q/<token>``), or from the desk screen's
rotating code (the same path), and ``/q/`` to type the poster's code instead.

Signed out, it shows the venue and its offers with "Sign in" / "Create account" links that come
back here. Signed in, "Check in" is a plain form posted here (the page's script first adds the
phone's position when it is given); the view calls `checkin_record`, as the API does, and
answers in words. A successful check-in redirects (so reloading cannot check in twice) to the
page with its result, remembered in the session, and a form to rate and comment. The result
says what the resident could have done to earn an offer the check-in's evidence did not.

A desk screen's code changes every ``SCREEN_CODE_SECONDS``: the page remembers in the session
when it read a fresh one, so the resident may sign in (or create an account) and check in with
it for ``venues.screens.services.SCREEN_PAGE_GRACE`` afterwards. A code that had already
changed when the page opened asks to scan the screen again.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from accounts import ages
from accounts.children.selectors import child_may_act_for, children_of
from backend import errors
from backend.errors import ApplicationError
from checkins.comments.services import comment_create
from checkins.models import CheckIn
from checkins.services import Fix, checkin_record
from residents.language import council_language_activate
from residents.posters.forms import CheckinForm, CommentForm, PosterCodeForm
from residents.selectors import offers_in_words
from residents.words import checkin_refusal, comment_thanks, how_to_earn_offer, points_in_words
from rewards.evidence import Evidence
from rewards.vouchers.selectors import voucher_list_of
from venues import error_codes
from venues.models import Poster, Venue
from venues.posters.services import poster_find_by_code, poster_resolve
from venues.screens.services import screen_token_venue
from venues.screens.tokens import looks_like_screen_token

TEMPLATE = "residents/poster.html"
RESULTS_KEY = "checkin_results"
RESULTS_KEPT = 5
SCREEN_READS_KEY = "screen_codes_read"


@dataclass(frozen=True)
class PageCode:
    """What a ``/q/<token>`` names: a poster, or a desk screen's code (``poster`` None)."""

    token: str
    venue: Venue
    poster: Poster | None = None
    read_at: datetime | None = None  # when the page first read a screen's code

    @property
    def is_screen(self) -> bool:
        return self.poster is None


def _page_code(request, token: str) -> PageCode:
    """Resolve the token (a refusal raises): a poster's, or a screen's code that was fresh when
    this session first read it (remembered, so the resident may sign in first)."""
    if not looks_like_screen_token(token):
        poster = poster_resolve(token=token, invalid=error_codes.UNKNOWN_QR)
        return PageCode(token=token, venue=poster.venue, poster=poster)
    reads = request.session.get(SCREEN_READS_KEY, {})
    read_at = parse_datetime(reads[token]) if token in reads else None
    venue = screen_token_venue(token=token, read_at=read_at, invalid=error_codes.UNKNOWN_QR)
    if read_at is None:
        read_at = timezone.now()
        reads[token] = read_at.isoformat()
        request.session[SCREEN_READS_KEY] = dict(list(reads.items())[-RESULTS_KEPT:])
    return PageCode(token=token, venue=venue, read_at=read_at)


@never_cache  # a poster can be withdrawn at any time
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def poster_page(request, token: str):
    try:
        code = _page_code(request, token)
    except ApplicationError as exc:
        return _problem_page(request, exc)
    council_language_activate(request=request, council=code.venue.council)
    if request.method == "POST":
        return _check_in(request, code)
    context = _context(request, code)
    context["result"] = _remembered_result(request, code, request.GET.get("checked_in"))
    # A child's visit is not the parent's to rate under their name (nor the child's to publish).
    if context["result"] and not context["result"]["child"]:
        context["comment_form"] = CommentForm(author=request.user)
    return render(request, TEMPLATE, context)


def _check_in(request, code: PageCode):
    if not request.user.is_authenticated:  # signed out, or the session ended meanwhile
        return _to_sign_in(request, code)
    form = CheckinForm(request.POST)
    fix = form.fix_fields()
    resident = request.user
    if (child_id := form.child_id()) is not None:
        resident = child_may_act_for(parent=request.user, child_id=child_id)
        if resident is None:  # not (or no longer) their child: refused in words, nothing kept
            context = _context(request, code)
            context["refusal"] = {
                "heading": _("Not checked in"),
                "sentence": _("Choose who is checking in again."),
                "code": "invalid",
            }
            return render(request, TEMPLATE, context, status=400)
    try:
        outcome = checkin_record(
            resident=resident,
            qr_token=code.token,
            fix=Fix(*fix) if fix else None,
            screen_read_at=code.read_at,
        )
    except ApplicationError as exc:
        if exc.error == errors.NOT_AUTHENTICATED:  # the account was closed
            return _to_sign_in(request, code)
        heading, sentence = checkin_refusal(exc, code.venue.shown_name)
        context = _context(request, code)
        context["refusal"] = {"heading": heading, "sentence": sentence, "code": exc.code}
        return render(request, TEMPLATE, context, status=exc.status)
    results = request.session.get(RESULTS_KEY, {})
    results[str(outcome.checkin.pk)] = {
        "child": resident.display_name if resident.pk != request.user.pk else None,
        "points": outcome.points_earned,
        "vouchers": [reward["voucher"] for reward in outcome.rewards if "voucher" in reward],
        "used_location": fix is not None,
        "not_earned": [
            {"title": offer["title"], "accepts": offer["accepts"]} for offer in outcome.not_earned
        ],
    }
    request.session[RESULTS_KEY] = dict(list(results.items())[-RESULTS_KEPT:])
    page = reverse("poster-landing", args=[code.token])
    response = HttpResponseRedirect(f"{page}?{urlencode({'checked_in': outcome.checkin.pk})}")
    response.status_code = 303  # See Other: the result page is read with GET
    return response


def _remembered_result(request, code: PageCode, checkin_id: str | None) -> dict | None:
    remembered = request.session.get(RESULTS_KEY, {}).get(checkin_id or "")
    if not remembered or not request.user.is_authenticated:
        return None
    family = [request.user.pk, *children_of(parent=request.user).values_list("pk", flat=True)]
    checkin = CheckIn.objects.filter(
        pk=checkin_id, resident_id__in=family, venue_id=code.venue.pk
    ).first()
    if checkin is None:
        return None
    return {
        "checkin": checkin,
        "child": remembered.get("child"),
        "points": remembered["points"],
        "points_words": points_in_words(remembered["points"]),
        "used_location": remembered.get("used_location", False),
        "vouchers": list(
            voucher_list_of(resident=checkin.resident_id)
            .filter(pk__in=remembered["vouchers"])
            .select_related("venue", "council")
        ),
        "not_earned": [
            how_to_earn_offer(offer["title"], offer["accepts"])
            for offer in remembered.get("not_earned", [])
        ],
    }


@never_cache
@csrf_protect
@require_http_methods(["POST"])
def comment_page(request, token: str):
    """Rate and comment after checking in, through the comments service."""
    try:
        code = _page_code(request, token)
    except ApplicationError as exc:
        return _problem_page(request, exc)
    council_language_activate(request=request, council=code.venue.council)
    if not request.user.is_authenticated:
        return _to_sign_in(request, code)
    form = CommentForm(request.POST, author=request.user)
    if form.is_valid():
        try:
            comment = comment_create(
                author=request.user,
                venue=code.venue,
                body=form.cleaned_data["body"],
                rating=form.cleaned_data["rating"],
            )
        except ApplicationError as exc:
            fields = exc.extra.get("fields") or {"body": [exc.detail]}
            for name, field_errors in fields.items():
                for message in field_errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, comment_thanks(comment))
            return redirect("poster-landing", token=token)
    context = _context(request, code)
    context["comment_form"] = form
    context["commenting"] = True
    return render(request, TEMPLATE, context, status=400)


@never_cache
@require_safe
def poster_code_page(request):
    """``/q/?code=K7QM-P3XH``: the poster whose code was typed, or the form to type it."""
    form = PosterCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        poster = poster_find_by_code(typed=form.cleaned_data["code"])
        if poster is not None:
            return redirect("poster-landing", token=poster.token)
        form.add_error("code", _("No poster has this code. Check it and type it again."))
    return render(
        request,
        "residents/poster_code.html",
        {"title": _("Enter the code under the QR"), "form": form},
        status=404 if form.errors else 200,
    )


def _to_sign_in(request, code: PageCode):
    messages.info(request, _("Sign in to check in. You will come back to this page."))
    page = reverse("poster-landing", args=[code.token])
    return redirect(f"{reverse('sign-in')}?{urlencode({'next': page})}")


def _context(request, code: PageCode) -> dict:
    venue = code.venue
    page = reverse("poster-landing", args=[code.token])
    offers = offers_in_words(venue=venue, resident=request.user)
    signed_in = request.user.is_authenticated
    children = list(children_of(parent=request.user)) if signed_in else []
    # Anyone under 18, and a parent who may check a child in: the page asks for the phone's
    # location only when they tick the box (ICO Children's code: geolocation off by default,
    # no nudges to share more), and says nothing of rewards that more evidence would earn.
    high_privacy = signed_in and ages.is_minor(request.user)
    return {
        "children": children,
        "location_opt_in": high_privacy or bool(children),
        "high_privacy": high_privacy,
        "title": _("Check in at %(venue)s") % {"venue": venue.shown_name},
        "poster": code.poster,
        "token": code.token,
        "is_screen": code.is_screen,
        "venue": venue,
        "council": venue.council,
        # In words, with a signed-in resident's progress (after a check-in: the next reward).
        "offers": offers,
        # What this code alone does not earn, and what would (the check-in's evidence).
        "earn_more": []
        if high_privacy
        else [
            how_to_earn_offer(offer.shown_title, offer.accepts)
            for offer in (shown["offer"] for shown in offers)
            if (Evidence.DESK_SCREEN if code.is_screen else Evidence.POSTER) not in offer.accepts
        ],
        "page_url": page,
        "next_query": urlencode({"next": page}),
        "app_download_url": settings.APP_DOWNLOAD_URL,
        "max_accuracy_m": settings.CHECKIN_MAX_ACCURACY_M,
    }


_PROBLEMS = {
    error_codes.EXPIRED_QR.code: (
        gettext_lazy("This code has changed"),
        gettext_lazy(
            "The code on the screen by the desk changes every few seconds, and this one has "
            "changed since. Scan the code on the screen again."
        ),
    ),
    error_codes.REVOKED_QR.code: (
        gettext_lazy("Poster withdrawn"),
        gettext_lazy(
            "This poster has been withdrawn and can no longer be used to check in. Ask staff "
            "at the venue for the current one."
        ),
    ),
}
_NOT_RECOGNISED = (
    gettext_lazy("Code not recognised"),
    gettext_lazy(
        "This QR code is not recognised. It may have been copied or damaged. Look for the "
        "poster at the venue's entrance, or type the code printed under its QR code."
    ),
)


def _problem_page(request, exc: ApplicationError):
    title, message = _PROBLEMS.get(exc.code, _NOT_RECOGNISED)
    context = {"title": title, "problem": message, "app_download_url": settings.APP_DOWNLOAD_URL}
    return render(request, "residents/poster_problem.html", context, status=exc.status)
