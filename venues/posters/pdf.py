"""The poster as a one-page A4 PDF whose words are real text: searchable, read aloud by screen
readers, and crisp at any printer's resolution. The text is set in DejaVu Sans, embedded (a
subset, with its Unicode map, so that copying and searching give back "ŵ" and "ŷ"); the QR code
is embedded as one greyscale image at full resolution (whole pixels a module, never resampled)
so that it prints sharp.

The layout is the PNG's (rendering.py), in points: council, venue name(s), a rule, the QR, then
the instructions in each of the council's languages, Welsh first, and the poster's label.
"""

import io
from functools import cache

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from venues.models import Poster
from venues.posters.rendering import FONTS, QR_MAX_SIDE, qr_image, refuse_revoked
from venues.posters.services import poster_url
from venues.posters.wording import poster_council_name, poster_venue_names, poster_words

WIDTH, HEIGHT = A4  # 595.28 x 841.89 points
MARGIN = 42.5  # 15 mm
CONTENT_WIDTH = WIDTH - 2 * MARGIN
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
BLACK, DARK_GREY = (0, 0, 0), (0.24, 0.24, 0.24)


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def _wrap(text: str, font: str, size: float) -> list[str]:
    """Greedy word wrap to the content width; a word wider than a line is broken."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= CONTENT_WIDTH:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and pdfmetrics.stringWidth(line + char, font, size) > CONTENT_WIDTH:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines or [""]


class _Block:
    """Centred lines in one font and size, shrunk to fit ``max_lines``."""

    def __init__(self, text, *, size, min_size, max_lines, bold=False, colour=BLACK):
        self.font = BOLD if bold else REGULAR
        self.colour = colour
        while True:
            self.lines = _wrap(text, self.font, size)
            if len(self.lines) <= max_lines or size <= min_size:
                break
            size = max(min_size, size - 2)
        self.size = size
        self.lines = self.lines[:max_lines]
        self.leading = size * 1.25

    @property
    def height(self) -> float:
        return self.leading * len(self.lines)

    def draw(self, pdf: canvas.Canvas, top: float) -> float:
        """Draws from ``top`` (distance from the page's top); returns the top below it."""
        pdf.setFont(self.font, self.size)
        pdf.setFillColorRGB(*self.colour)
        for line in self.lines:
            top += self.size
            pdf.drawCentredString(WIDTH / 2, HEIGHT - top, line)
            top += self.leading - self.size
        return top


def poster_pdf(poster: Poster) -> bytes:
    """The poster as a one-page A4 PDF with a text layer; refuses a revoked poster."""
    refuse_revoked(poster)
    _register_fonts()
    words = poster_words(poster)
    bilingual = len(words) > 1
    venue = poster.venue
    header = [
        _Block(poster_council_name(words), size=19, min_size=12, max_lines=2, colour=DARK_GREY)
    ]
    for index, name in enumerate(poster_venue_names(words)):
        size = 38 if index == 0 else 28
        header.append(_Block(name, size=size, min_size=20, max_lines=3, bold=True))
    instructions = []
    for language_words in words:
        how, fallback, no_smartphone = language_words.instructions
        scale = 0.8 if bilingual else 1.0
        instructions += [
            _Block(how, size=20 * scale, min_size=12, max_lines=2),
            _Block(fallback, size=15 * scale, min_size=10, max_lines=3),
            _Block(no_smartphone, size=15 * scale, min_size=10, max_lines=2, bold=True),
        ]
    label = _Block(poster.label, size=12, min_size=9, max_lines=2, colour=DARK_GREY)

    buffer = io.BytesIO()
    # The document's language, for screen readers: its first (Welsh first when bilingual).
    language = "cy" if words[0].language == "cy" else "en-GB"
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, lang=language)
    pdf.setTitle(f"{venue.name}: {poster.label}")
    pdf.setSubject(" / ".join(w.how_to_check_in for w in words))
    pdf.setCreator(settings.SERVICE_NAME)
    top = MARGIN
    for block in header:
        top = block.draw(pdf, top) + 6
    pdf.setFillColorRGB(*BLACK)
    pdf.rect(MARGIN, HEIGHT - top - 1.5, CONTENT_WIDTH, 1.5, stroke=0, fill=1)
    top += 1.5 + 10

    label_top = HEIGHT - MARGIN - label.height
    room = label_top - top - sum(block.height for block in instructions) - 20
    side = min(room, CONTENT_WIDTH * 0.8)
    qr = qr_image(poster_url(poster), QR_MAX_SIDE)
    pdf.drawImage(ImageReader(qr), (WIDTH - side) / 2, HEIGHT - top - side, side, side)
    top += side + 10
    for block in instructions:
        top = block.draw(pdf, top)
    label.draw(pdf, label_top)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
