from backend.errors import ErrorCode
from venues.error_codes import INVALID_QR, REVOKED_QR  # noqa: F401 (check-ins answer them too)

OUTSIDE_GEOFENCE = ErrorCode("outside_geofence", 400)
POOR_ACCURACY = ErrorCode("poor_accuracy", 400)
VENUE_INACTIVE = ErrorCode("venue_inactive", 400)
IMPOSSIBLE_TRAVEL = ErrorCode("impossible_travel", 400)
COOLDOWN = ErrorCode("cooldown", 409)

CHECKIN_REQUIRED = ErrorCode("checkin_required", 403)
INAPPROPRIATE_CONTENT = ErrorCode("inappropriate_content", 400)
ALREADY_REPORTED = ErrorCode("already_reported", 409)
REPLY_EXISTS = ErrorCode("reply_exists", 409)
