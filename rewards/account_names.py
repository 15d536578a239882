"""The names of the rewards' ledger accounts, and the idempotency keys and references built from
them, in one place.

The ledger is generic: an account is known by its name, and a posting is made once per key.
Every name and key the rewards use is spelled here, so a reader can see them all, the audit
reads the same names the services write, and two services that must share a key (the desk
and the Stripe webhook both redeem a voucher) cannot drift apart.
"""

import hashlib
import uuid

# Sinks: where spent, lapsed and settled value goes (unbounded accounts).
SPENT_POINTS = "sink:points-spent"
EXPIRED_POINTS = "sink:points-expired"
REDEEMED_VOUCHERS = "sink:vouchers-redeemed"
EXPIRED_VOUCHERS = "sink:vouchers-expired"
VOID_VOUCHERS = "sink:vouchers-void"

WALLET_PREFIX = "wallet:"
HELD_VOUCHERS_PREFIX = "vouchers:"


# --- Accounts ---


def wallet(resident_id, scheme_id) -> str:
    """A resident's points in one scheme (POINTS, never below zero)."""
    return f"{WALLET_PREFIX}{resident_id}:{scheme_id}"


def offer_pool(offer_id) -> str:
    """What an offer pays from; its minimum is the offer's budget."""
    return f"offer:{offer_id}:pool"


def catalog_stock(item_id) -> str:
    """A catalog item's vouchers; its minimum is the item's stock."""
    return f"catalog:{item_id}:stock"


def voucher_source(*, offer_id=None, catalog_item_id=None) -> str:
    """Where a voucher came from: an offer or a catalog item (part of its held account's name)."""
    return f"offer:{offer_id}" if offer_id is not None else f"catalog:{catalog_item_id}"


def held_vouchers(resident_id, source: str) -> str:
    """The vouchers a resident holds from one source (VOUCHER, never below zero)."""
    return f"{HELD_VOUCHERS_PREFIX}{resident_id}:{source}"


# --- Idempotency keys ---


def offer_grant_key(offer_id, checkin_id) -> str:
    return f"offer:{offer_id}:checkin:{checkin_id}"


def claim_key(*, resident_id, request_key: str | None) -> str:
    """The base key of a catalog claim: the request's Idempotency-Key scoped to the resident
    (keys are only unique per user), hashed to a fixed length; a fresh one without a header."""
    if not request_key:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{resident_id}:{request_key}".encode()).hexdigest()[:40]


def claim_points_key(claim: str) -> str:
    return f"claim:{claim}:points"


def claim_voucher_key(claim: str) -> str:
    return f"claim:{claim}:voucher"


def voucher_redeem_key(voucher_id, undone: int = 0) -> str:
    """One key for redeeming a voucher, at the desk or online: it is redeemed once. A
    redemption undone at the desk (``Voucher.redemptions_undone``) frees the voucher for the
    next key."""
    key = f"voucher:{voucher_id}:redeem"
    return key if not undone else f"{key}:{undone}"


def voucher_redeem_undo_key(voucher_id, undone: int) -> str:
    """The reversal of the ``undone``-th redemption (counting from 1)."""
    return f"voucher:{voucher_id}:redeem-undo:{undone}"


def voucher_void_key(voucher_id) -> str:
    return f"voucher:{voucher_id}:void"


def checkin_void_key(checkin_id, grant_id) -> str:
    """Taking back one reward of a voided check-in."""
    return f"checkin:{checkin_id}:void:{grant_id}"


def voucher_expire_key(voucher_id) -> str:
    return f"voucher:{voucher_id}:expire"


def lot_expire_key(lot_id) -> str:
    return f"expire:lot:{lot_id}"


def scheme_merge_key(*, resident_id, from_scheme_id, into_scheme_id, debits_before: int) -> str:
    return f"scheme-merge:{from_scheme_id}:{into_scheme_id}:{resident_id}:{debits_before}"


# --- References (what a transaction is about) ---


def checkin_reference(checkin_id) -> str:
    return f"checkin:{checkin_id}"


def catalog_reference(item_id) -> str:
    return f"catalog:{item_id}"


def voucher_reference(voucher_id) -> str:
    return f"voucher:{voucher_id}"


def lot_reference(lot_id) -> str:
    return f"lot:{lot_id}"


def scheme_reference(scheme_id) -> str:
    return f"scheme:{scheme_id}"
