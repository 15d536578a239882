"""Foursquare: the Places API client (client.py) and the venue sync built on it (sync.py)."""
