"""Vouchers: issuing them, redeeming them at the desk, expiring them, and their QR codes."""
