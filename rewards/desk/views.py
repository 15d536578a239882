"""The desk's one page: sign in (Django's session), type or scan a code, press Redeem.

Refusals are the redemption service's (rewards.vouchers.redemption), put in words a person at
a counter understands. Staff of another venue learn nothing about a voucher beyond "not valid here".
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from backend.errors import ApplicationError
from rewards import error_codes
from rewards.desk.forms import RedeemForm
from rewards.desk.selectors import desk_venues, voucher_shown_at_desk
from rewards.vouchers.redemption import voucher_redeem
from venues.access import request_access

# What the desk says for each refusal of the service (by code), and whether it may show the
# voucher (only after the service has checked that this person may see it).
OUTCOMES = {
    error_codes.ALREADY_REDEEMED.code: ("Already redeemed", True),
    error_codes.VOUCHER_EXPIRED.code: ("Expired or cancelled", True),
    "not_found": ("Unknown code", False),
    "permission_denied": ("Not valid here", False),
    error_codes.OWN_VOUCHER.code: ("Your own voucher", False),
    "invalid": ("Check the code", False),
}
PLAIN_WORDS = {
    "not_found": "No voucher has this code. Check it with the resident and type it again.",
    "permission_denied": "This voucher is for another venue. It cannot be redeemed here.",
    error_codes.OWN_VOUCHER.code: (
        "This is your own voucher. You cannot redeem it yourself: ask a colleague to do it."
    ),
}


@never_cache
@csrf_protect
@login_required
def desk_page(request):
    venues = list(desk_venues(access=request_access(request)))
    if not venues:
        return render(
            request,
            "desk/not_staff.html",
            {"title": "The desk is for venue staff"},
            status=403,
        )
    form = RedeemForm(request.POST or None, venues=venues)
    context = {"title": "Redeem a voucher", "form": form, "venues": venues}
    if request.method == "POST" and form.is_valid():
        status = 200
        try:
            voucher = voucher_redeem(
                code=form.cleaned_data["code"], staff=request.user, venue=form.chosen_venue()
            )
        except ApplicationError as exc:
            heading, may_show = OUTCOMES.get(exc.code, ("Not redeemed", False))
            context["outcome"] = {
                "ok": False,
                "heading": heading,
                "detail": PLAIN_WORDS.get(exc.code, exc.detail),
                "voucher": voucher_shown_at_desk(code=form.cleaned_data["code"])
                if may_show
                else None,
            }
            status = exc.status
        else:
            context["outcome"] = {
                "ok": True,
                "heading": "Redeemed",
                "detail": f"Give the resident: {voucher.title}.",
                "voucher": voucher,
            }
            form = RedeemForm(venues=venues, initial={"venue": form.data.get("venue")})
            context["form"] = form
        return render(request, "desk/desk.html", context, status=status)
    return render(request, "desk/desk.html", context)
