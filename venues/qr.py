"""A QR code as SVG, for the pages that show one (the desk screen's code on a tablet, a
resident's member card): crisp at any size and in print, and nothing a Content-Security-Policy
refuses inline (one path, no style attribute), so a page may carry it in its HTML."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from venues.posters.rendering import qr_symbol


def qr_svg(data: str, *, label: str) -> SafeString:
    """An SVG document of the QR symbol of ``data`` (quiet zone included), titled ``label``."""
    matrix = qr_symbol(data).get_matrix()
    size = len(matrix)
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f"<title>{escape(label)}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )
