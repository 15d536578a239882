"""The pages' "Claim": a catalog item claimed once per form, for the signed-in person (the
wallet) or for their child (the child's page), whoever presses it twice."""

from django.contrib import messages
from django.utils.translation import gettext as _

from accounts.models import User
from backend.errors import ApplicationError
from backend.idempotency import idempotent_page_action
from residents.wallet.forms import ClaimForm
from residents.words import claim_refusal
from rewards import account_names
from rewards.catalog.selectors import catalog_item_claimable
from rewards.catalog.services import catalog_claim


def claim_from_page(request, *, holder: User, item_id, action: str) -> dict | None:
    """Claim ``item_id`` with ``holder``'s points; the voucher is ``holder``'s. ``action``
    names the page's key space (a double tap replays within it). Returns the voucher's
    ``title`` and ``code``, or None once the refusal is in the page's messages."""
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That claim could not be read. Press Claim again."))
        return None
    request_key = form.cleaned_data["claim_key"]

    def claim() -> dict:
        voucher = catalog_claim(
            resident=holder,
            item=catalog_item_claimable(item_id=item_id),
            idempotency_key=account_names.claim_key(resident_id=holder.pk, request_key=request_key),
        )
        return {"title": voucher.title, "code": voucher.code}

    try:
        outcome = idempotent_page_action(
            user=request.user,
            key=f"{action}:{request_key}",
            fingerprint=f"{action}:{item_id}",
            action=claim,
        )
    except ApplicationError as exc:  # the key was sent with another item
        outcome = exc.as_outcome()
    if "error" in outcome:
        messages.error(request, claim_refusal(ApplicationError.from_outcome(outcome)))
        return None
    return outcome
