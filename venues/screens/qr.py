"""The screen's QR as SVG: crisp at any size on a tablet, and nothing inline for the page's
Content-Security-Policy to refuse (one path, no style attributes)."""

from django.utils.html import escape

from venues.posters.rendering import qr_symbol


def screen_qr_svg(data: str, *, label: str) -> str:
    """An SVG document of the QR symbol of ``data`` (quiet zone included), titled ``label``."""
    matrix = qr_symbol(data).get_matrix()
    size = len(matrix)
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f"<title>{escape(label)}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )
