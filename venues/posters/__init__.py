"""QR posters: the signed tokens they carry, and their printable rendering."""
