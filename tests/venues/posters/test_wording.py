"""Posters in the council's languages: Welsh, English, or both with Welsh first. The PDF's text
layer is read back with pypdf (Welsh letters intact), and the QR still decodes."""

import io

import pypdf
import pytest
import zxingcpp
from PIL import Image

from tests.factories import VenueFactory
from venues.models import CouncilLanguage
from venues.posters.pdf import poster_pdf
from venues.posters.rendering import poster_png
from venues.posters.services import poster_create, poster_url
from venues.posters.wording import poster_words

pytestmark = pytest.mark.django_db

WELSH_HOW = "Pwyntiwch gamera eich ffôn at y cod i wirio i mewn"
ENGLISH_HOW = "Point your phone's camera at the code to check in"


def poster_for(language, **venue):
    venue.setdefault("name_cy", "Canolfan Gymunedol Ffordd y Pŵl, Tŷ Hywel")
    venue = VenueFactory(
        name="Pool Road Community Centre",
        council__name="Cyngor Sir Ynys Môn",
        council__language=language,
        **venue,
    )
    return poster_create(venue=venue, label="Drws ffrynt", created_by=None)


def pdf_text(poster) -> str:
    [page] = pypdf.PdfReader(io.BytesIO(poster_pdf(poster))).pages
    return " ".join(page.extract_text().split())


def qr_texts(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in found]


def test_a_welsh_posters_text_layer_has_the_welsh_name_and_instructions():
    poster = poster_for(CouncilLanguage.WELSH)
    words = pdf_text(poster)
    assert "Canolfan Gymunedol Ffordd y Pŵl, Tŷ Hywel" in words
    assert "Cyngor Sir Ynys Môn" in words
    assert WELSH_HOW in words
    assert "Dim ffôn clyfar? Gofynnwch i'r staff wrth y ddesg." in words
    assert f"Methu sganio? Ewch i 127.0.0.1:8000/q a rhowch {poster.code[:4]}-" in words
    assert ENGLISH_HOW not in words and "Pool Road" not in words


def test_a_bilingual_poster_puts_welsh_first_then_english():
    words = pdf_text(poster_for(CouncilLanguage.BILINGUAL))
    assert words.index("Ffordd y Pŵl") < words.index("Pool Road Community Centre")
    assert words.index(WELSH_HOW) < words.index(ENGLISH_HOW)
    assert "No smartphone? Ask staff at the desk." in words


def test_an_english_poster_is_english_only():
    words = pdf_text(poster_for(CouncilLanguage.ENGLISH))
    assert "Pool Road Community Centre" in words and ENGLISH_HOW in words
    assert "Pŵl" not in words and WELSH_HOW not in words


def test_a_bilingual_venue_without_a_welsh_name_prints_its_name_once():
    poster = poster_for(CouncilLanguage.BILINGUAL, name_cy="")
    assert [words.venue_name for words in poster_words(poster)] == [
        "Pool Road Community Centre"
    ] * 2
    assert pdf_text(poster).count("Pool Road Community Centre") == 1


@pytest.mark.parametrize("language", list(CouncilLanguage))
def test_the_qr_still_decodes_from_the_pdf_and_the_png(language):
    poster = poster_for(language)
    [page] = pypdf.PdfReader(io.BytesIO(poster_pdf(poster))).pages
    [embedded] = page.images
    assert qr_texts(embedded.image) == [poster_url(poster)]
    png = Image.open(io.BytesIO(poster_png(poster)))
    assert qr_texts(png.reduce(4)) == [poster_url(poster)]


def test_the_pdf_embeds_the_shipped_font():
    reader = pypdf.PdfReader(io.BytesIO(poster_pdf(poster_for(CouncilLanguage.WELSH))))
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].get_object().values()
        for font in [font.get_object()]
    }
    assert any("DejaVuSans" in name for name in fonts), fonts
