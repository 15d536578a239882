"""The resident's web pages: the poster's page (``/q/<token>``, and ``/q/`` to type a poster's
code), the wallet (``/wallet/``) and the app hand-over files (``/.well-known/...``).

The top layer: it calls the check-in, comment and rewards services the API calls (one write
path), inside the page's session, and puts their answers in words.
"""
