"""Reading back the QR codes our pages draw as SVG (venues/qr.py), as a camera would."""

import re

from PIL import Image


def svg_to_image(svg: str) -> Image.Image:
    """Draw the SVG's unit squares (its one path of ``M x y h1v1h-1z``) as a picture."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg):
        for dx in range(scale):
            for dy in range(scale):
                image.putpixel((int(x) * scale + dx, int(y) * scale + dy), 0)
    return image
