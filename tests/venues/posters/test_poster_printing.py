"""What a poster looks like on paper and on a phone: the PNG and PDF (decoded, to prove they
scan) and the page ``/q/<token>`` that a phone's camera opens."""

import io
import re

import pypdf
import pytest
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

from tests.api import error, success
from tests.conftest import client_for
from tests.factories import VenueFactory, venue_manager_of
from tests.venues.posters.helpers import printed_before_issue_12
from venues.posters.rendering import poster_png, printable_text, qr_symbol
from venues.posters.services import poster_create, poster_revoke, poster_url
from venues.posters.wording import poster_words

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)


@pytest.fixture
def venue():
    return VenueFactory(name="Barking Learning Centre", council__name="Barking and Dagenham")


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main entrance", created_by=None)


@pytest.fixture
def manager_client(venue):
    return client_for(venue_manager_of(venue))


def read_qr_codes(image: Image.Image) -> list:
    # QR only, as a phone's camera does: zxing's linear decoders can misread a row of modules
    # as, say, a Codabar symbol.
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in read_qr_codes(image)]


class TestPng:
    def test_the_png_is_a4_at_300_dpi_and_scans_to_the_posters_url(self, manager_client, poster):
        response = success(manager_client, "get", f"/api/v1/posters/{poster.id}/poster.png")
        assert response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert (image.format, image.size) == ("PNG", (2480, 3508))
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        [result] = read_qr_codes(image)
        assert result.text == poster_url(poster)
        assert re.fullmatch(r"http://127\.0\.0\.1:8000/q/[\w-]{92}", result.text)
        # Printed large: the symbol spans more than 13 cm of the 21 cm page.
        assert result.position.top_right.x - result.position.top_left.x > 1500

    def test_the_header_and_footer_carry_text(self, poster):
        image = Image.open(io.BytesIO(poster_png(poster))).convert("L")
        header, footer = image.crop((0, 0, 2480, 500)), image.crop((0, 3200, 2480, 3508))
        assert header.getextrema()[0] < 64 and footer.getextrema()[0] < 128

    def test_it_still_scans_from_a_small_blurred_photo(self, poster):
        image = Image.open(io.BytesIO(poster_png(poster))).reduce(5)  # 496 x 702 px
        assert decoded(image) == [poster_url(poster)]

    def test_a_new_poster_scans_from_a_72_dpi_render_at_version_10_or_less(self, settings):
        settings.PUBLIC_BASE_URL = "https://checkins.barking-dagenham.gov.uk"
        poster = poster_create(venue=VenueFactory(), label="Door", created_by=None)
        image = Image.open(io.BytesIO(poster_png(poster)))
        at_72_dpi = image.resize((595, 842), Image.Resampling.LANCZOS)  # A4 at 72 dpi
        [result] = read_qr_codes(at_72_dpi)
        assert result.text == poster_url(poster)
        assert result.ec_level == "Q" and int(result.extra["Version"]) <= 10

    def test_the_poster_prints_the_fallback_code_and_a_line_for_no_smartphone(self, poster):
        [words] = poster_words(poster)
        lines = words.instructions
        shown = f"{poster.code[:4]}-{poster.code[4:]}"
        assert any(shown in line and "127.0.0.1:8000/q" in line for line in lines)
        assert "No smartphone? Ask staff at the desk." in lines

    def test_error_correction_is_q_and_falls_back_to_m_for_very_long_old_tokens(self, venue):
        short = qr_symbol(poster_url(poster_create(venue=venue, label="a", created_by=None)))
        assert short.error_correction == ERROR_CORRECT_Q and short.version <= 10
        # Posters made before issue 12 carry the venue's name in their JWS, and are printed
        # again with it.
        long_venue = VenueFactory(name="Community Leisure and Wellbeing Centre " * 5)
        poster = printed_before_issue_12(long_venue)
        symbol = qr_symbol(poster_url(poster))
        assert symbol.error_correction == ERROR_CORRECT_M and symbol.version <= 20
        assert decoded(Image.open(io.BytesIO(poster_png(poster)))) == [poster_url(poster)]

    @pytest.mark.parametrize(
        ("name", "printed"),
        [
            ("Canolfan Hamdden Ynys Môn \u2013 Café", "Canolfan Hamdden Ynys Môn \u2013 Café"),
            ("Llyfrgell Ffordd y Pŵl, Tŷ Hywel", "Llyfrgell Ffordd y Pŵl, Tŷ Hywel"),
            ("Łódź Straße", "Łódź Straße"),
            ("Brent\u2019s \u201cLibrary\u201d", "Brent\u2019s \u201cLibrary\u201d"),
            ("图书馆", "???"),
        ],
    )
    def test_welsh_letters_print_as_written_and_missing_ones_as_look_alikes(self, name, printed):
        # DejaVu Sans has every Welsh and Latin letter; a script it lacks would be empty boxes.
        assert printable_text(name) == printed

    def test_an_accept_header_for_the_image_is_honoured(self, manager_client, poster):
        response = manager_client.get(
            f"/api/v1/posters/{poster.id}/poster.png", HTTP_ACCEPT="image/png"
        )
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")


class TestPdf:
    def test_the_pdf_is_one_a4_page_that_scans_to_the_posters_url(self, manager_client, poster):
        response = success(manager_client, "get", f"/api/v1/posters/{poster.id}/poster.pdf")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="poster-barking-learning-centre-main-entrance.pdf"'
        )
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        [page] = reader.pages
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1)
        # The QR is one image at full resolution (whole pixels a module), the words are text.
        [embedded] = page.images
        width, height = embedded.image.size
        assert width == height and width >= 1500
        assert decoded(embedded.image) == [poster_url(poster)]
        words = " ".join(page.extract_text().split())
        assert "Barking Learning Centre" in words and "Barking and Dagenham" in words
        assert "Point your phone's camera at the code to check in" in words

    def test_a_label_without_letters_still_makes_a_filename(self, manager_client, venue):
        poster = poster_create(venue=venue, label="★ ★", created_by=None)
        response = success(manager_client, "get", f"/api/v1/posters/{poster.id}/poster.pdf")
        expected = f"poster-barking-learning-centre-{str(poster.id)[:8]}.pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


@pytest.mark.parametrize("extension", ["png", "pdf"])
def test_a_revoked_poster_is_not_printed(manager_client, poster, extension):
    poster_revoke(poster=poster, revoked_by=None)
    path = f"/api/v1/posters/{poster.id}/poster.{extension}"
    error(manager_client, "get", path, status=410, code="revoked_qr")
