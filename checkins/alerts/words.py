"""Figures as the people who review fraud read them: metres with a unit and no sixteen decimals,
minutes in words (the back office and the alerts are for staff, in English)."""


def distance_in_words(metres: float) -> str:
    """``272340.5`` -> ``"272 km"``, ``1234.5`` -> ``"1.2 km"``, ``87.26`` -> ``"87 m"``."""
    if metres >= 100_000:
        return f"{metres / 1000:,.0f} km"
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    return f"{metres:.0f} m"


def minutes_in_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
