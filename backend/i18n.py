"""English and Welsh (Welsh Language Standards; the Welsh Language (Wales) Measure 2011).

Imported by settings, which is at its size limit. How a page's language is chosen, first match
wins: the reader's own choice (the switch in the page header, kept in a cookie); on a venue's
resident pages, a council that runs in Welsh or bilingually (residents.language); the browser's
``Accept-Language``; English. The API follows ``Accept-Language`` and says ``Content-Language``.
Catalogues live in ``locale/`` (README, "Languages").
"""

from pathlib import Path

__all__ = [
    "LANGUAGES",
    "LANGUAGE_CODE",
    "LANGUAGE_COOKIE_AGE",
    "LANGUAGE_COOKIE_SAMESITE",
    "LOCALE_PATHS",
    "USE_I18N",
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
USE_I18N = True
# A year: a resident who chose Cymraeg should not be asked again next month.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
