"""Waits said to people in whole minutes, rounded up: "2 min" for 61 seconds, never "0 min".

The pages' words for a wait (``residents.words.duration_in_words``, ``checkins.presence.duration``,
the too-many-attempts page) all count it this way.
"""

import math


def minutes_rounded_up(seconds: float) -> int:
    """``61`` -> ``2``, ``60`` -> ``1``, ``0`` -> ``1``: a wait is at least a minute."""
    return max(math.ceil(seconds / 60), 1)


def hours_and_minutes(seconds: float) -> tuple[int, int]:
    """``14340`` -> ``(3, 59)``, ``3599`` -> ``(1, 0)``: `minutes_rounded_up`, in hours and
    minutes."""
    hours, minutes = divmod(minutes_rounded_up(seconds), 60)
    return hours, minutes
