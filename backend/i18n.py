"""English and Welsh (Welsh Language Standards; the Welsh Language (Wales) Measure 2011).

Imported by settings, which is at its size limit. How a page's language is chosen, first match
wins: the reader's own choice (the switch in the page header, kept in a cookie); on a venue's
resident pages, a council that runs in Welsh or bilingually (residents.language); the browser's
``Accept-Language``; English. The API follows ``Accept-Language`` and says ``Content-Language``.
Catalogues live in ``locale/`` and ``locale_vendor/`` (README, "Languages").
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
# The project's own catalogue first: `makemessages` writes to the first entry, and a msgid found
# in both is taken from the first. locale_vendor/ holds Welsh for the libraries' messages (DRF,
# SimpleJWT, Django's password rules), which makemessages would mark obsolete in locale/.
LOCALE_PATHS = [
    Path(__file__).resolve().parent.parent / "locale",
    Path(__file__).resolve().parent.parent / "locale_vendor",
]
USE_I18N = True
# A year: a resident who chose Cymraeg should not be asked again next month.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
