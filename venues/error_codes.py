from backend.errors import ErrorCode

GEOCODING_FAILED = ErrorCode("geocoding_failed", 400)
UNKNOWN_USER = ErrorCode("unknown_user", 400)
COUNCIL_EXISTS = ErrorCode("council_exists", 409)
VENUE_EXISTS = ErrorCode("venue_exists", 409)
ROLE_EXISTS = ErrorCode("role_exists", 409)
