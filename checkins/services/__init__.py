"""Check-in and comment services, re-exported: import them from ``checkins.services``."""

from checkins.services.checkins import (
    CheckinOutcome,
    Fix,
    checkin_locations_drop,
    checkin_record,
)

__all__ = ["CheckinOutcome", "Fix", "checkin_locations_drop", "checkin_record"]
