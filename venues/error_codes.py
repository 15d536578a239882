from backend.errors import ErrorCode

GEOCODING_FAILED = ErrorCode("geocoding_failed", 400)
UNKNOWN_USER = ErrorCode("unknown_user", 400)
COUNCIL_EXISTS = ErrorCode("council_exists", 409)
VENUE_EXISTS = ErrorCode("venue_exists", 409)
ROLE_EXISTS = ErrorCode("role_exists", 409)
INVALID_QR = ErrorCode("invalid_qr", 400)
UNKNOWN_QR = ErrorCode("invalid_qr", 404)  # the resolver answers a bad token with 404
REVOKED_QR = ErrorCode("revoked_qr", 410)
# An invitation already accepted or cancelled cannot be cancelled or sent again.
INVITATION_CLOSED = ErrorCode("invitation_closed", 409)
EXPIRED_QR = ErrorCode("expired_qr", 400)  # a desk screen's code replaced for a whole period
