"""UK GDPR subject access and erasure across apps, without ``accounts`` importing them.

Each app that holds personal data registers, in its ``AppConfig.ready()``, a section for the
export (a function returning JSON-ready data about one user) and, if it holds any, an eraser
(run inside the erasure transaction, before the account itself is pseudonymised).
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register(section: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    _exporters[section] = export
    if erase is not None:
        _erasers[section] = erase


def export_sections(user) -> dict[str, Any]:
    return {section: export(user) for section, export in sorted(_exporters.items())}


def erase_sections(user) -> None:
    for _section, erase in sorted(_erasers.items()):
        erase(user)
