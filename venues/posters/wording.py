"""What a poster says, in the languages its council prints in: English, Welsh, or both with
Welsh first (as Welsh public signage is). The PNG (rendering.py) and the PDF (printing.py) lay
out the same words."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from venues.models import CouncilLanguage, Poster
from venues.posters.services import poster_code_display, poster_url


@dataclass(frozen=True)
class PosterWords:
    """One language's words on a poster."""

    language: str
    venue_name: str
    council_name: str
    how_to_check_in: str
    fallback: str
    no_smartphone: str

    @property
    def instructions(self) -> tuple[str, str, str]:
        return self.how_to_check_in, self.fallback, self.no_smartphone


def poster_languages(council) -> list[str]:
    """The languages of the council's posters, in the order printed."""
    if council.language == CouncilLanguage.WELSH:
        return ["cy"]
    if council.language == CouncilLanguage.BILINGUAL:
        return ["cy", "en-gb"]
    return ["en-gb"]


def poster_words(poster: Poster) -> list[PosterWords]:
    """The poster's words in each of its council's languages, Welsh first. The fallback line
    names the page to type the code at (the page's address without its scheme) and the code."""
    venue = poster.venue
    code_page = poster_url(poster).rsplit("/", 1)[0].split("://", 1)[-1]
    code = poster_code_display(poster.code)
    words = []
    for language in poster_languages(venue.council):
        with translation.override(language):
            words.append(
                PosterWords(
                    language=language,
                    venue_name=venue.name_in(language),
                    council_name=venue.council.name_in(language),
                    how_to_check_in=_("Point your phone's camera at the code to check in"),
                    fallback=_("Can't scan? Go to %(page)s and enter %(code)s")
                    % {"page": code_page, "code": code},
                    no_smartphone=_("No smartphone? Ask staff at the desk."),
                )
            )
    return words


def poster_council_name(words: list[PosterWords]) -> str:
    """The council's name(s) for the poster's first line: "Cyngor Gwynedd / Gwynedd Council"
    on a bilingual poster of a council with a Welsh name, its one name otherwise."""
    names: list[str] = []
    for language_words in words:
        if language_words.council_name not in names:
            names.append(language_words.council_name)
    return " / ".join(names)


def poster_venue_names(words: list[PosterWords]) -> list[str]:
    """The venue's names to print, once each (a bilingual poster of a venue with no Welsh name
    prints its one name once)."""
    names: list[str] = []
    for language_words in words:
        if language_words.venue_name not in names:
            names.append(language_words.venue_name)
    return names
