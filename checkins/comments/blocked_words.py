"""The blocked-word filter of comments: ``contains_blocked_word``.

The default list is ``blocked_words.txt`` beside this module, one word per line; the
``COMMENT_BLOCKED_WORDS`` setting adds a council's own words.
"""

import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BLOCKED_WORDS_FILE = Path(__file__).resolve().parent / "blocked_words.txt"

# Digits and symbols written for letters; only these symbols are kept inside words.
_LOOKALIKES = {
    "a": "a4@",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!",
    "l": "l1",
    "o": "o0",
    "s": "s5$",
    "t": "t7",
}
_ENDINGS = ("s", "es", "ed", "er", "ers", "ing", "in")
_TOKEN = re.compile(r"[a-z0-9@$!]+")
_LONG_RUN = re.compile(r"(.)\1{2,}")
_LONGEST_WORD = 40
_LONGEST_SPELLED_OUT = 12


def contains_blocked_word(text: str) -> bool:
    """Whether ``text`` has a blocked word as a whole word, in any case, also when stretched
    ("fuuuck", "asssss"), written with look-alikes ("sh1t", "@sshole"), spelled out ("f u c k") or
    with a common ending. Words that merely contain one ("Scunthorpe", "classic") pass.

    A candidate needs at least as many letters as look-alikes, so that numbers and codes
    (the A55, room 455) are never read as words.
    """
    pattern = _blocked_pattern()
    for candidate in _candidates(text):
        # A letter written three or more times is stretched: "fuuuck" is "fuck", "asss" is
        # "ass". A doubled letter is not, or "Shiite" would be "shite".
        for squeezed in {_LONG_RUN.sub(r"\1", candidate), _LONG_RUN.sub(r"\1\1", candidate)}:
            if not 0 < len(squeezed) <= _LONGEST_WORD:
                continue
            letters = sum(char.isalpha() for char in squeezed)
            if letters >= len(squeezed) - letters and pattern.fullmatch(squeezed):
                return True
    return False


def _fold(text: str) -> str:
    """Lower case, without accents: "FÜCK" and "fuck" are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _candidates(text: str) -> Iterator[str]:
    tokens = _TOKEN.findall(_fold(text))
    for token in tokens:
        yield token
        yield token.strip("@$!")  # "shit!" is "shit"; "!" stands for "i" only inside a word
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and len(run) < _LONGEST_SPELLED_OUT:
            run.append(token)
            continue
        for start in range(len(run)):
            for end in range(start + 3, len(run) + 1):
                yield "".join(run[start:end])
        run = [token] if len(token) == 1 else []


def _blocked_pattern() -> re.Pattern[str]:
    return _compile_blocked(tuple(settings.COMMENT_BLOCKED_WORDS))


@functools.cache
def _compile_blocked(extra_words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the default list and the setting's words, built once per setting."""
    words = set(_default_blocked_words())
    for entry in extra_words:
        word = _fold(entry.strip())
        if not _TOKEN.fullmatch(word):
            raise ImproperlyConfigured(
                f"COMMENT_BLOCKED_WORDS has {entry!r}: each entry must be one word."
            )
        words.add(word)
    alternatives = "|".join(_word_pattern(word) for word in sorted(words))
    endings = "|".join(_ENDINGS)
    return re.compile(f"(?:{alternatives})(?:{endings})?")


@functools.cache
def _default_blocked_words() -> frozenset[str]:
    lines = BLOCKED_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        _fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


def _word_pattern(word: str) -> str:
    """Each letter may be written as a look-alike: "ass" is [a4@][s5$][s5$]."""
    return "".join(f"[{re.escape(_LOOKALIKES.get(char, char))}]" for char in word)
