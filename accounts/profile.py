"""Figures other apps add to the caller's profile (``GET /me/``), without accounts importing
them: the rewards app registers the per-scheme balances in its ``AppConfig.ready()``."""

from collections.abc import Callable

_points_balances: Callable[[object], list[dict]] = lambda user: []  # noqa: E731 (until registered)


def register_points_balances(provider: Callable[[object], list[dict]]) -> None:
    global _points_balances
    _points_balances = provider


def points_balances(user) -> list[dict]:
    """``[{scheme, name, councils: [{id, name}], points}]``."""
    return _points_balances(user)
