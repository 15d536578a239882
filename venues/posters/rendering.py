"""The printable poster: an A4 page at 300 dpi with the council's and the venue's names, the QR
code and how to check in, as PNG or as a one-page PDF.

The QR code encodes ``<PUBLIC_BASE_URL>/q/<token>``: with the compact token (92 characters, see
tokens.py) about 120 characters in byte mode. Error correction Q (25% of the symbol recoverable:
posters get scuffed, taped over and photographed at an angle) puts that at version 9-10: 53-57
modules, printed ~33 px (2.8 mm) a module on a 16 cm square, which a phone reads from across a
doorway. Posters printed again with an old JWS token (~400 characters, version 19) still fit;
past version 20 the poster falls back to M so that the modules stay large enough.

Under the QR: how to check in, the poster's fallback code with where to type it (for a phone
that cannot scan), and a line for people without a smartphone.

Text is set in DejaVu Sans, shipped in ``fonts/`` (its licence there), which covers every Welsh
letter (ŵ, ŷ and the rest) and Latin generally, so "Ynys Môn" and "Pŵl" print as written. A
letter it lacks (other scripts) is printed without its accent, as a look-alike, or as "?",
rather than as an empty box. The words come in the council's languages (wording.py): Welsh,
English, or both with Welsh first.
"""

import io
import unicodedata
from functools import cache
from pathlib import Path

import qrcode
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

from backend.errors import ApplicationError
from venues import error_codes
from venues.models import Poster
from venues.posters.services import poster_url
from venues.posters.wording import poster_council_name, poster_venue_names, poster_words

DPI = 300
WIDTH, HEIGHT = 2480, 3508  # A4, 210 x 297 mm at 300 dpi
MARGIN = 180  # 15 mm
CONTENT_WIDTH = WIDTH - 2 * MARGIN
QR_QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
QR_MAX_SIDE = 2000
QR_GAP = 40
QR_MAX_VERSION_AT_Q = 20
FONTS = Path(__file__).resolve().parent / "fonts"

BLACK, DARK_GREY, WHITE = 0, 60, 255
# Letters and marks that lose nothing readable when printed as their ASCII look-alikes.
_LOOKALIKES = str.maketrans(
    {"\u2010": "-", "\u2013": "-", "\u2014": "-", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"}
    | {"đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss"}
)
_NOT_A_CHARACTER = "\U000f0000"  # private use, in no font: drawn as the missing-glyph box


class _Text:
    """A block of centred, wrapped lines in one font size."""

    def __init__(self, text: str, *, size: int, min_size: int, max_lines: int, bold=False):
        self.bold = bold
        text = printable_text(text)
        # Shrink until the text fits in max_lines; at min_size, cut it rather than overflow.
        while True:
            self.font = _font(size, bold)
            self.lines = _wrap(text, self.font, CONTENT_WIDTH)
            if len(self.lines) <= max_lines or size <= min_size:
                break
            size = max(min_size, size - 10)
        if len(self.lines) > max_lines:
            self.lines = self.lines[:max_lines]
            last = self.lines[-1]
            while last and self.font.getlength(last.rstrip() + "…") > CONTENT_WIDTH:
                last = last[:-1]
            self.lines[-1] = last.rstrip() + "…"
        ascent, descent = self.font.getmetrics()
        self.line_height = int((ascent + descent) * 1.15)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def draw(self, draw: ImageDraw.ImageDraw, top: int, fill: int) -> int:
        """Draws the lines from ``top``; returns the y just below them."""
        for line in self.lines:
            draw.text((WIDTH // 2, top), line, font=self.font, fill=fill, anchor="ma")
            top += self.line_height
        return top


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at ``size`` px (needs Pillow with FreeType, as its wheels have)."""
    return ImageFont.truetype(str(FONTS / f"DejaVuSans{'-Bold' if bold else ''}.ttf"), size)


def _drawn(char: str) -> bytes:
    image = Image.new("L", (80, 80), WHITE)
    ImageDraw.Draw(image).text((10, 10), char, font=_font(40), fill=BLACK)
    return image.tobytes()


@cache
def _has_glyph(char: str) -> bool:
    return char.isspace() or _drawn(char) != _drawn(_NOT_A_CHARACTER)


def printable_text(text: str) -> str:
    """``text`` with each character the font cannot draw replaced by its unaccented form or
    an ASCII look-alike, or by "?" when it has none."""
    printable = []
    for char in text:
        if not _has_glyph(char):
            decomposed = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in decomposed if not unicodedata.combining(c))
            char = char.translate(_LOOKALIKES)
            if not char or not all(_has_glyph(c) for c in char):
                char = "?"
        printable.append(char)
    return "".join(printable)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters."""
    lines: list[str] = []
    line = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if font.getlength(line + char) > width and line:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines or [""]


def qr_symbol(data: str) -> qrcode.QRCode:
    """The smallest symbol for ``data`` at error correction Q, or at M if Q needs more than
    version 20."""
    for level in (ERROR_CORRECT_Q, ERROR_CORRECT_M):
        symbol = qrcode.QRCode(error_correction=level, box_size=1, border=QR_QUIET_ZONE)
        symbol.add_data(data)
        symbol.make(fit=True)
        if symbol.version <= QR_MAX_VERSION_AT_Q:
            break
    return symbol


def qr_image(data: str, max_side: int) -> Image.Image:
    """The symbol, quiet zone included, with whole-pixel modules as large as ``max_side``
    allows."""
    matrix = qr_symbol(data).get_matrix()
    modules = len(matrix)
    small = Image.new("L", (modules, modules), WHITE)
    small.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    box = max(1, max_side // modules)
    return small.resize((modules * box, modules * box), Image.Resampling.NEAREST)


def refuse_revoked(poster: Poster) -> None:
    if poster.is_revoked:
        raise ApplicationError(
            error_codes.REVOKED_QR, _("This poster has been withdrawn; it cannot be printed.")
        )


def poster_image(poster: Poster) -> Image.Image:
    """The A4 page as a greyscale image; refuses a revoked poster (``revoked_qr``)."""
    refuse_revoked(poster)
    words = poster_words(poster)
    bilingual = len(words) > 1
    council = _Text(poster_council_name(words), size=80, min_size=50, max_lines=2)
    names = [
        _Text(name, size=160 if i == 0 else 110, min_size=80, max_lines=3, bold=True)
        for i, name in enumerate(poster_venue_names(words))
    ]
    scale = 0.8 if bilingual else 1.0
    instructions = []
    for language_words in words:
        how, fallback, no_smartphone = language_words.instructions
        instructions += [
            _Text(how, size=int(84 * scale), min_size=48, max_lines=2),
            _Text(fallback, size=int(64 * scale), min_size=40, max_lines=3),
            _Text(no_smartphone, size=int(64 * scale), min_size=40, max_lines=2, bold=True),
        ]
    label = _Text(poster.label, size=50, min_size=36, max_lines=2)

    page = Image.new("L", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(page)
    y = council.draw(draw, MARGIN, DARK_GREY) + 30
    for name in names:
        y = name.draw(draw, y, BLACK) + 20
    y += 20
    draw.rectangle((MARGIN, y, WIDTH - MARGIN, y + 6), fill=BLACK)
    header_bottom = y + 6

    label_top = HEIGHT - MARGIN - label.height
    instructions_height = sum(block.height for block in instructions)
    room = label_top - header_bottom - QR_GAP - instructions_height - 2 * QR_GAP
    qr = qr_image(poster_url(poster), min(QR_MAX_SIDE, room))
    # The QR and the instructions under it sit in the middle of the space that is left.
    y = header_bottom + max(0, (room - qr.height) // 2) + QR_GAP
    page.paste(qr, ((WIDTH - qr.width) // 2, y))
    y += qr.height
    for block in instructions:
        y = block.draw(draw, y, BLACK)
    label.draw(draw, label_top, DARK_GREY)
    return page


def poster_png(poster: Poster) -> bytes:
    """The poster as a 2480 x 3508 PNG (A4 at 300 dpi)."""
    buffer = io.BytesIO()
    poster_image(poster).save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()
