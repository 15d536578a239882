"""Offers: the earning rules venue managers and council admins set, and what they give for a
check-in (API.md, "Offers")."""
