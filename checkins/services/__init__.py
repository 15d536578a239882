"""Check-in and comment services, re-exported: import them from ``checkins.services``."""

from checkins.services.checkins import (
    CheckinOutcome,
    Fix,
    checkin_locations_drop,
    checkin_record,
)
from checkins.services.comments import (
    TRANSITIONS,
    CommentTransitionError,
    comment_create,
    comment_delete,
    comment_hide,
    comment_report,
    comment_restore,
    comment_set_status,
    contains_blocked_word,
)

__all__ = [
    "TRANSITIONS",
    "CheckinOutcome",
    "CommentTransitionError",
    "Fix",
    "checkin_locations_drop",
    "checkin_record",
    "comment_create",
    "comment_delete",
    "comment_hide",
    "comment_report",
    "comment_restore",
    "comment_set_status",
    "contains_blocked_word",
]
