"""The desk's check-in pages: staff check someone in (``/desk/check-in/``), and the screen by the
entrance (``/desk/screen/``) that shows the venue's rotating code. The redemption desk itself
is ``rewards.desk``."""
