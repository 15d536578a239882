"""The rewards app's error codes (API.md, "Offers, rewards and the ledger")."""

from backend.errors import ErrorCode

INSUFFICIENT_POINTS = ErrorCode("insufficient_points", 400)
OUT_OF_STOCK = ErrorCode("out_of_stock", 409)
ALREADY_REDEEMED = ErrorCode("already_redeemed", 409)
VOUCHER_EXPIRED = ErrorCode("voucher_expired", 410)
INVALID_SIGNATURE = ErrorCode("invalid_signature", 400)
# An offer's stripe_coupon_id that Stripe does not have, has turned off, or that ends (redeem_by)
# before the offer's last voucher would.
INVALID_COUPON = ErrorCode("invalid_coupon", 400)
OWN_VOUCHER = ErrorCode("own_voucher", 403)
# Undoing a desk redemption: after REDEEM_UNDO_MINUTES, and of a voucher not redeemed.
UNDO_TOO_LATE = ErrorCode("undo_too_late", 409)
NOT_REDEEMED = ErrorCode("not_redeemed", 409)
