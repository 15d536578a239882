"""The desk's redemption page: sign in (Django's session), type or scan a code, press Redeem.

What it answers must be unmistakable in a queue: a full-width green "Give: Free hot drink" or a
red "Do not give" with the reason, each with an icon and words, never colour alone (and the
focus ring sits on the heading, not on the colour). Refusals are the redemption service's
(rewards.vouchers.redemption), put in words a person at a counter understands; staff of another
venue learn nothing about a voucher beyond "not valid here".

Each form carries a key of its own (``attempt``), as the API's ``Idempotency-Key``: a double
tap on Redeem answers "Give" twice, never "Give" then "Already redeemed". Under the form, the
vouchers redeemed at this venue today, each with "Undo" for the person who redeemed it (or a
manager) within ``REDEEM_UNDO_MINUTES``.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from backend.errors import ApplicationError
from backend.idempotency import idempotent_page_action
from rewards import error_codes
from rewards.desk.forms import RedeemForm
from rewards.desk.selectors import desk_venues, voucher_shown_at_desk, vouchers_redeemed_today
from rewards.models import Voucher
from rewards.vouchers.redemption import (
    redeem_undo_deadline,
    voucher_redeem,
    voucher_redeem_undo,
)
from rewards.vouchers.services import normalise_code
from venues.access import request_access

# Why not to give, for each refusal of the service (by code), and whether the page may show the
# voucher (only after the service has checked that this person may see it).
REASONS = {
    error_codes.ALREADY_REDEEMED.code: (gettext_lazy("Already redeemed"), True),
    error_codes.VOUCHER_EXPIRED.code: (gettext_lazy("Expired or cancelled"), True),
    "not_found": (gettext_lazy("Unknown code"), False),
    "permission_denied": (gettext_lazy("Not valid here"), False),
    error_codes.OWN_VOUCHER.code: (gettext_lazy("Your own voucher"), False),
    "invalid": (gettext_lazy("Check the code"), False),
}
PLAIN_WORDS = {
    "not_found": gettext_lazy(
        "No voucher has this code. Check it with the resident and type it again."
    ),
    "permission_denied": gettext_lazy(
        "This voucher is for another venue. It cannot be redeemed here."
    ),
    error_codes.OWN_VOUCHER.code: gettext_lazy(
        "This is your own voucher. You cannot redeem it yourself: ask a colleague to do it."
    ),
}


def _desk_or_refusal(request):
    venues = list(desk_venues(access=request_access(request)))
    if venues:
        return venues, None
    refusal = render(
        request, "desk/not_staff.html", {"title": _("The desk is for venue staff")}, status=403
    )
    return venues, refusal


def _here(venues, chosen_id) -> object:
    """The venue the desk works at now: the one chosen, else the first."""
    return next((venue for venue in venues if str(venue.pk) == str(chosen_id)), venues[0])


# Today's list shows the latest redemptions: enough for a shift's corrections at a busy desk.
TODAY_SHOWN = 50


def _today(request, venue) -> list[dict]:
    """The latest redemptions here today, each with until when this person may undo it: the
    person who redeemed it, or a manager here (asked once: every row is of this venue)."""
    now = timezone.now()
    manages_here = request_access(request).may("voucher.undo_redeem", venue)
    rows = []
    for voucher in vouchers_redeemed_today(venue=venue)[:TODAY_SHOWN]:
        deadline = redeem_undo_deadline(voucher)
        allowed = voucher.redeemed_by_id == request.user.pk or (
            manages_here and voucher.redeemed_by_id is not None
        )
        rows.append(
            {"voucher": voucher, "undo_until": deadline if allowed and deadline > now else None}
        )
    return rows


@never_cache
@csrf_protect
@login_required
def desk_page(request):
    venues, refusal = _desk_or_refusal(request)
    if refusal:
        return refusal
    form = RedeemForm(request.POST or None, venues=venues)
    status = 200
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome, status = _redeem(request, form)
        # A fresh form (and so a fresh key): the code stays to be corrected after a refusal.
        kept = {"venue": form.data.get("venue")}
        if not outcome["give"]:
            kept["code"] = form.cleaned_data["code"]
        form = RedeemForm(venues=venues, initial=kept)
    here = _here(venues, form.data.get("venue") or request.GET.get("venue"))
    form.fields["attempt"].initial = uuid.uuid4().hex
    context = {
        "title": _("Redeem a voucher"),
        "form": form,
        "venues": venues,
        "here": here,
        "outcome": outcome,
        "today": _today(request, here),
        "undo_minutes": settings.REDEEM_UNDO_MINUTES,
    }
    return render(request, "desk/desk.html", context, status=status)


def _redeem(request, form) -> tuple[dict, int]:
    """Redeem the form's code once per form (its ``attempt`` key); the outcome in words."""
    code, venue = form.cleaned_data["code"], form.chosen_venue()

    def redeem() -> dict:
        voucher = voucher_redeem(code=code, staff=request.user, venue=venue)
        return {"voucher": str(voucher.pk)}

    try:
        if form.cleaned_data["attempt"]:
            done = idempotent_page_action(
                user=request.user,
                key=f"desk-redeem:{form.cleaned_data['attempt']}",
                fingerprint=f"desk-redeem:{normalise_code(code)}:{venue.pk if venue else ''}",
                action=redeem,
            )
            if "error" in done:
                raise ApplicationError.from_outcome(done)
        else:
            done = redeem()
    except ApplicationError as exc:
        reason, may_show = REASONS.get(exc.code, (_("Not redeemed"), False))
        return {
            "give": False,
            "reason": reason,
            "detail": PLAIN_WORDS.get(exc.code, exc.detail),
            "voucher": voucher_shown_at_desk(code=code) if may_show else None,
        }, exc.status
    voucher = Voucher.objects.select_related("resident", "venue", "council").get(pk=done["voucher"])
    return {
        "give": True,
        "detail": _("Redeemed. It cannot be used again."),
        "voucher": voucher,
    }, 200


@never_cache
@csrf_protect
@login_required
@require_POST
def undo_page(request, voucher_id):
    """Undo a redemption from today's list (the wrong code rung up), then back to the desk."""
    _venues, refusal = _desk_or_refusal(request)
    if refusal:
        return refusal
    voucher = get_object_or_404(Voucher, pk=voucher_id)
    try:
        voucher_redeem_undo(voucher=voucher, by=request.user)
    except ApplicationError as exc:
        messages.error(request, _("Not undone: %(reason)s") % {"reason": exc.detail})
    else:
        messages.success(
            request,
            _("Undone: %(title)s (%(code)s) was not given and can be used again.")
            % {"title": voucher.shown_title, "code": voucher.code},
        )
    back = request.POST.get("venue", "")
    desk = reverse("desk")
    return redirect(f"{desk}?{urlencode({'venue': back})}" if back else desk)
