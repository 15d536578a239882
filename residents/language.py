"""A council's language on its venues' pages, for a reader who has not chosen one.

A council that runs in Welsh, or bilingually (Welsh first), opens its venues' pages in Welsh;
the switch in the header is one press away and, once pressed, wins (its cookie). A council that
runs in English leaves the choice to the browser's ``Accept-Language``.
"""

from django.conf import settings
from django.utils import translation

from venues.models import Council, CouncilLanguage


def council_language_activate(*, request, council: Council) -> None:
    """Switches this request to Welsh when ``council`` asks for it and the reader has not
    chosen; LocaleMiddleware then says so in ``Content-Language``."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    if council.language in (CouncilLanguage.WELSH, CouncilLanguage.BILINGUAL):
        translation.activate("cy")
        request.LANGUAGE_CODE = "cy"
