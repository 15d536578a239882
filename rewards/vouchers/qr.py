"""A voucher's code as a QR image, for staff to scan at the desk."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_Q


def voucher_qr_png(code: str) -> bytes:
    """The code as a QR symbol (error correction Q, so a scuffed phone screen still scans)."""
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=10, border=4)
    symbol.add_data(code)
    symbol.make(fit=True)
    buffer = io.BytesIO()
    symbol.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
