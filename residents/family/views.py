"""The family pages (see the package's docstring): ``/family/`` lists a parent's children and
adds one; each child has a page with their own wallet and what is kept about them, a printable
member card, a download of their data, and a page to remove them (their data is erased as
account erasure does)."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import ages
from accounts.children.selectors import child_of, children_of
from accounts.children.services import child_add, child_remove
from accounts.member_codes import member_code_of
from accounts.selectors import child_export
from backend.errors import ApplicationError
from backend.timestamps import ApiJSONEncoder
from residents.family.forms import ChildForm, ChildRemoveForm
from residents.selectors import resident_wallet
from residents.wallet.claiming import claim_from_page
from rewards.schemes.selectors import points_balances
from venues.qr import qr_svg


@require_safe
def children_privacy_page(request):
    """The children's privacy notice, in words a child (and their parent) understands."""
    return render(
        request, "residents/family/children_privacy.html", {"title": _("Children's privacy")}
    )


@never_cache
@csrf_protect
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def family_page(request):
    may_add = not request.user.is_child and ages.is_certainly_adult(request.user.birth_year)
    form = ChildForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and may_add and form.is_valid():
        try:
            child = child_add(parent=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in (exc.extra.get("fields") or {"__all__": [exc.detail]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("%(name)s is in your family. Their member code is %(code)s.")
                % {"name": child.display_name, "code": member_code_of(user=child)},
            )
            return redirect("family")
    children = list(children_of(parent=request.user))
    for child in children:
        child.points = sum(balance["points"] for balance in points_balances(child))
    context = {"title": _("Your family"), "children": children, "form": form, "may_add": may_add}
    return render(
        request, "residents/family/family.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_safe
def child_page(request, child_id):
    """The child's own wallet (points, vouchers, statement, check-ins) and what is kept."""
    child = child_of(parent=request.user, child_id=child_id)
    context = {
        "title": child.display_name,
        "child": child,
        "member_code": member_code_of(user=child),
        **resident_wallet(resident=child),
    }
    for item in context["catalog"]:
        item.claim_key = uuid.uuid4().hex
    return render(request, "residents/family/child.html", context)


@never_cache
@csrf_protect
@login_required
@require_POST
def child_claim_page(request, child_id, item_id):
    """The parent spends a child's points on a catalog item: the voucher is the child's. Once
    per form, as the wallet's "Claim"."""
    child = child_of(parent=request.user, child_id=child_id)
    claimed = claim_from_page(
        request, holder=child, item_id=item_id, action=f"child-claim:{child.pk}"
    )
    if claimed is not None:
        messages.success(
            request,
            _("%(name)s claimed %(title)s. The voucher code is %(code)s.")
            % {"name": child.display_name, **claimed},
        )
    return redirect("family-child", child_id=child.pk)


@never_cache
@login_required
@require_safe
def child_card_page(request, child_id):
    child = child_of(parent=request.user, child_id=child_id)
    code = member_code_of(user=child)
    return render(
        request,
        "residents/family/child_card.html",
        {
            "title": _("%(name)s's member card") % {"name": child.display_name},
            "child": child,
            "member_code": code,
            "card_qr": qr_svg(code, label=_("QR code of member card %(code)s") % {"code": code}),
        },
    )


@never_cache
@login_required
@require_safe
def child_download(request, child_id):
    """Everything kept about the child, as the parent's own export shows it, as a file."""
    child = child_of(parent=request.user, child_id=child_id)
    body = json.dumps(child_export(child=child), indent=2, ensure_ascii=False, cls=ApiJSONEncoder)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    name = f"child-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@csrf_protect
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def child_remove_page(request, child_id):
    child = child_of(parent=request.user, child_id=child_id)
    form = ChildRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = child.display_name
        child_remove(child=child)
        messages.success(
            request, _("%(name)s has been removed and their data deleted.") % {"name": name}
        )
        return redirect("family")
    context = {
        "title": _("Remove %(name)s") % {"name": child.display_name},
        "child": child,
        "form": form,
    }
    return render(
        request, "residents/family/child_remove.html", context, status=400 if form.errors else 200
    )
