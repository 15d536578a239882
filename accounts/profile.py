"""Figures other apps add to the caller's profile (``GET /me/``), without accounts importing
them: the rewards app registers the points balance and the per-scheme balances in its
``AppConfig.ready()``."""

from collections.abc import Callable

_points_balance: Callable[[object], int] = lambda user: 0  # noqa: E731 (until one is registered)
_points_balances: Callable[[object], list[dict]] = lambda user: []  # noqa: E731


def register_points_balance(
    provider: Callable[[object], int], per_scheme: Callable[[object], list[dict]]
) -> None:
    global _points_balance, _points_balances
    _points_balance = provider
    _points_balances = per_scheme


def points_balance(user) -> int:
    return _points_balance(user)


def points_balances(user) -> list[dict]:
    """``[{scheme, name, councils: [{id, name}], points}]``."""
    return _points_balances(user)
