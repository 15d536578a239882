"""Helpers shared by the resident page tests: a signed-in browser session, a venue with an offer
that gives points and a voucher."""

from django.test import Client

from rewards.offers.services import offer_create


def signed_in(user) -> Client:
    """Django's test client with ``user``'s session, as a browser after signing in."""
    client = Client()
    client.force_login(user)
    return client


def points_and_voucher_offers(venue, *, points: int = 10, voucher_title: str = "Free coffee"):
    """Two offers rewarding every check-in at ``venue``: points, and a voucher."""
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Points for every visit",
        rule="every_checkin",
        points=points,
    )
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="A coffee on us",
        description="Show the code at the café.",
        rule="every_checkin",
        voucher_title=voucher_title,
    )
