"""Figures other apps add to the caller's profile (``GET /me/``), without accounts importing
them: the rewards app registers the points balance in its ``AppConfig.ready()``."""

from collections.abc import Callable

_points_balance: Callable[[object], int] = lambda user: 0  # noqa: E731 (until one is registered)


def register_points_balance(provider: Callable[[object], int]) -> None:
    global _points_balance
    _points_balance = provider


def points_balance(user) -> int:
    return _points_balance(user)
