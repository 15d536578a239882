"""The service's name, per deployment (settings ``SERVICE_NAME`` and ``SERVICE_NAME_CY``), in the
reader's language: in every page's title and header, the back office's header, the member card,
and the password-reset email's subject.

The Welsh default is a sentence a Welsh reader reads as meant ("check in at the council's
venues"); the catalogue's earlier "Gwirio i mewn y cyngor" read as "checking the council in".
A council names its own deployment in both languages (README, "Languages").
"""

from django.conf import settings
from django.utils import translation


def service_name() -> str:
    """The service's name in the active language."""
    if (translation.get_language() or "").split("-")[0] == "cy":
        return settings.SERVICE_NAME_CY
    return settings.SERVICE_NAME


def service_name_context(request) -> dict:
    """Template context processor: ``service_name`` on every page."""
    return {"service_name": service_name()}
