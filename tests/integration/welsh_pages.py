"""How the every-page Welsh test reads a page: its words, and which of them are English.

A page's words are its text nodes and the attributes people hear or see (``aria-label``,
``alt``, ``title``, ``placeholder``, ``value`` of buttons). A segment shown identically on the
English and the Welsh page is English on the Welsh page, unless what is left of it after taking
out the data (names, titles, codes, emails, numbers, dates) and the few words that are the same
in both languages has no word left.
"""

import re
from html import unescape

from django.apps import apps
from django.db import models

# Words that are the same in both languages, or are names of things, not sentences.
SAME_IN_BOTH = {
    "English",
    "Cymraeg",
    "QR",
    "CSV",
    "PDF",
    "PNG",
    "JSON",
    "API",
    "UUID",
    "OK",
    "km",
    "Foursquare",
    "OpenStreetMap",
    "Stripe",
    "Google",
    "Apple",
    "Android",
    "iPhone",
    "Wi-Fi",
    "GPS",
    "email",
    "e-bost",
    "cookie",
    "cookies",
    "csrftoken",
    "sessionid",
    "django_language",
    "UK",
    "GDPR",
    "ICO",
    "WCAG",
    "AA",
    "https",
    "http",
    "www",
    "algorithm",  # a password hash's part, as Django's own Welsh keeps it
}

_ATTRIBUTES = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"')
_BUTTON_VALUES = re.compile(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"')


def segments(html: str) -> set[str]:
    # Scripts and styles are not read; <code> is what a machine reads (a CSV header, a path).
    html = re.sub(r"<(script|style|code)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    found = set()
    for text in [
        *re.split(r"<[^>]+>", html),
        *_ATTRIBUTES.findall(html),
        *_BUTTON_VALUES.findall(html),
    ]:
        text = " ".join(unescape(text).split())
        if text:
            found.add(text)
    return found


def data_strings() -> list[str]:
    """Every text value stored in the database (the world's names, titles, codes, emails...),
    longest first: what a page shows as data, in whichever language the page is in."""
    found = set()
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.EmailField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            found.update(value for value in row if isinstance(value, str) and value.strip())
    return sorted(found, key=len, reverse=True)


def english_left(segment: str, data: list[str]) -> str:
    """What remains of ``segment`` once data, numbers, codes and shared words are taken out."""
    rest = segment
    for value in data:
        if len(value) >= 2 and value in rest:
            rest = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", rest)
    # Emails, web addresses, paths, identifiers (cookie names, domains) and masked secrets.
    rest = re.sub(r"\S+@\S+|https?://\S+|/\S*|\S+[._]\S+|\S*\*{2,}\S*", " ", rest)
    rest = re.sub(r"\b\w*\d\w*\b", " ", rest)  # names with digits: md5, sha256, A4
    words = re.findall(r"[A-Za-zÀ-ÿŵŷŴŶ\u2019']{2,}", rest)
    return " ".join(
        word
        for word in words
        if word not in SAME_IN_BOTH and not re.fullmatch(r"[A-Z0-9]{2,}", word)  # codes
    )


def english_on_welsh_page(english_html: str, welsh_html: str, data: list[str]) -> list[str]:
    """The segments the Welsh page shows exactly as the English page does, and that still have
    words once data and shared words are taken out."""
    shared = segments(english_html) & segments(welsh_html)
    return sorted(segment for segment in shared if english_left(segment, data))
