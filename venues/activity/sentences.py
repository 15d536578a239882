"""The activity log's sentences, kept so that each reader reads them in their own language.

An entry keeps its sentence in English (``ActivityEntry.summary``: the record, searchable, the
same for everyone) and, beside it, the sentence's English words as written in the code (a msgid
of the catalogue) with the values put into them (names, codes, numbers, and other sentences:
a role's words, an alert's kind). A Welsh reader sees the Welsh of those words with the same
values; an entry written before this existed, or whose words the catalogue no longer has, shows
its English ``summary``.

    said(gettext_noop("Poster made: %(label)s (%(venue)s)."), label=label, venue=venue.name)

The words are marked with ``gettext_noop`` (so ``makemessages`` collects them) and translated
only when read.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Sentence:
    words: str  # the English words, with %(name)s where a value goes
    values: dict[str, Any] = field(default_factory=dict)  # str, int, or Sentence

    def read(self) -> str:
        """The sentence in the active language."""
        values = {
            name: value.read() if isinstance(value, Sentence) else value
            for name, value in self.values.items()
        }
        return gettext(self.words) % values if values else gettext(self.words)

    def in_english(self) -> str:
        with translation.override("en-gb"):
            return self.read()

    def as_json(self) -> dict:
        return {
            "words": self.words,
            "values": {
                name: value.as_json() if isinstance(value, Sentence) else value
                for name, value in self.values.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> "Sentence":
        return cls(
            words=data["words"],
            values={
                name: cls.from_json(value) if isinstance(value, dict) else value
                for name, value in data.get("values", {}).items()
            },
        )


def said(words: str, **values) -> Sentence:
    """The sentence ``words`` (marked with ``gettext_noop``) with ``values`` put into it."""
    return Sentence(words, values)


def english(text) -> str:
    """The English of a lazily translated text (a choice's label): its msgid, to keep in a
    sentence's values."""
    with translation.override("en-gb"):
        return str(text)
