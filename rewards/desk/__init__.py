"""The staff redemption desk: ``/desk/``, a phone-first page where venue staff redeem a
resident's voucher by scanning its QR or typing its code. It calls the same service as
``POST /api/v1/vouchers/redeem/``."""
