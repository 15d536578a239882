"""The ledger's memos: written once, in English, as part of the record (a posting's memo is in
its request hash and is never changed), and read in the reader's language.

Every memo is made here from one of ``SHAPES`` (``memo("claimed", title=item.title)``), and read
back by matching it against them (``memo_in_words``): a resident reading their statement in
Welsh sees "Hawliwyd: Swim pass" where the ledger keeps "Claimed: Swim pass". The same table
writes and reads, so the two cannot drift; a memo of no known shape (an older or hand-written
one) reads as written. Titles and codes are data and stay as they are.
"""

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

SHAPES = {
    "offer": gettext_noop("Offer: %(title)s"),
    "voucher": gettext_noop("Voucher: %(title)s"),
    "claimed": gettext_noop("Claimed: %(title)s"),
    "void": gettext_noop("Void: %(title)s"),
    "lapsed": gettext_noop("%(points)s points earned %(date)s lapsed"),
    "voucher_redeemed": gettext_noop("Voucher %(code)s redeemed"),
    "voucher_expired": gettext_noop("Voucher %(code)s expired"),
    "voucher_void": gettext_noop("Voucher %(code)s void"),
    "redemption_undone": gettext_noop("Voucher %(code)s redemption undone"),
    "points_moved": gettext_noop("Points moved: %(source)s joined %(into)s"),
    "reverses": gettext_noop("Reverses %(key)s"),
}


def memo(shape: str, **values) -> str:
    """The memo of ``shape`` with ``values``, in English, as the ledger keeps it."""
    return (SHAPES[shape] % values)[:300]


@cache
def _pattern(shape: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", SHAPES[shape])
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(rf"^{pattern}$", re.S)


def memo_in_words(text: str) -> str:
    """``text``, a memo, in the active language: its shape's words with its values."""
    for shape, words in SHAPES.items():
        found = _pattern(shape).match(text)
        if found:
            return gettext(words) % found.groupdict()
    return text
