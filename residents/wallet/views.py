"""``/wallet/``: the resident's points and statement, vouchers with their QR codes, the catalog
of their councils with "Claim", and their recent check-ins.

"Claim" posts a form with an idempotency key of its own to ``/wallet/claim/<item>/``, which
calls `catalog_claim` as ``POST /api/v1/catalog/<id>/claim/`` does, with the API's idempotency
guarantee (``backend.idempotency.idempotent_page_action``): two presses at once (a double tap)
claim once and both answer with the one voucher. Then it comes back here.
The vouchers' QR images are the API's (``/api/v1/vouchers/<id>/qr.png``), which accepts this
page's session.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST, require_safe

from accounts import ages
from accounts.children.selectors import children_of
from accounts.member_codes import member_code_of, member_code_replace
from residents.selectors import resident_wallet
from residents.wallet.claiming import claim_from_page
from rewards.schemes.selectors import points_balances
from venues.qr import qr_svg


@never_cache
@csrf_protect
@login_required
def wallet_page(request):
    children = list(children_of(parent=request.user))
    for child in children:  # each child's points are their own, shown beside the parent's
        child.points = sum(balance["points"] for balance in points_balances(child))
    context = {
        "title": _("Your wallet"),
        "member_code": member_code_of(user=request.user),
        "children": children,
        **resident_wallet(resident=request.user),
    }
    if ages.is_minor(request.user):  # ICO Children's code: no "N more visits" nudges
        context["progress"] = []
    for item in context["catalog"]:
        item.claim_key = uuid.uuid4().hex
    return render(request, "residents/wallet.html", context)


@never_cache
@csrf_protect
@login_required
@require_POST
def claim_page(request, item_id):
    claimed = claim_from_page(request, holder=request.user, item_id=item_id, action="wallet-claim")
    if claimed is not None:
        messages.success(
            request, _("You claimed %(title)s. Your voucher code is %(code)s.") % claimed
        )
    return redirect("wallet")


@never_cache
@login_required
@require_safe
def member_card_page(request):
    """``/wallet/card/``: the resident's member card, to print or show at the desk, where staff
    check in someone without a smartphone by its code (or scan its QR)."""
    code = member_code_of(user=request.user)
    return render(
        request,
        "residents/member_card.html",
        {
            "title": _("Your member card"),
            "member_code": code,
            "card_qr": qr_svg(code, label=_("QR code of member card %(code)s") % {"code": code}),
        },
    )


@never_cache
@csrf_protect
@login_required
@require_POST
def member_card_replace_page(request):
    """A lost card: a new code, and the old one stops working at once."""
    code = member_code_replace(user=request.user)
    messages.success(
        request,
        _("Your new member code is %(code)s. The old one no longer works.") % {"code": code},
    )
    return redirect("member-card")
