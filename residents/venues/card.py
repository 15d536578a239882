"""The picture a shared link to a venue's page shows (Open Graph ``og:image``): 1200 x 630 PNG,
the size link cards are drawn at, with the venue's name, its council and what the page offers.

Drawn on request (a few milliseconds) in the posters' DejaVu Sans, which has every Welsh letter;
cached by browsers and the apps that fetch it for a day.
"""

import io

from PIL import Image, ImageDraw, ImageFont

from venues.posters.rendering import FONTS

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK, PAPER, BAND, GREEN = (11, 12, 12), (255, 255, 255), (29, 79, 145), (0, 112, 60)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines


def venue_card_png(*, name: str, council: str, kind: str, tagline: str) -> bytes:
    """The card: a band with the council's name, the venue's name large, its kind, and one
    line of what it offers."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 110], fill=BAND)
    band_font = _font(40, bold=True)
    council_line = _wrapped(draw, council, band_font, WIDTH - 2 * MARGIN, 1)[0]
    draw.text((MARGIN, 55), council_line, font=band_font, fill=PAPER, anchor="lm")
    size = 84
    while True:
        name_font = _font(size, bold=True)
        lines = _wrapped(draw, name, name_font, WIDTH - 2 * MARGIN, 3)
        if len(lines) <= 2 or size <= 56:
            break
        size -= 8
    y = 170
    for line in lines:
        draw.text((MARGIN, y), line, font=name_font, fill=INK)
        y += int(size * 1.2)
    draw.text((MARGIN, y + 20), kind, font=_font(40), fill=(72, 73, 73))
    draw.rectangle([0, HEIGHT - 100, WIDTH, HEIGHT], fill=GREEN)
    tag_font = _font(36, bold=True)
    tag_line = _wrapped(draw, tagline, tag_font, WIDTH - 2 * MARGIN, 1)[0]
    draw.text((MARGIN, HEIGHT - 50), tag_line, font=tag_font, fill=PAPER, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
