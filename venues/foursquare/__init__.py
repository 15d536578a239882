"""Foursquare: the Places API client (client.py, the only module that speaks HTTP to it), the
venue sync built on it (sync.py, drift.py, feedback.py), what venue edits ask of it
(services.py), its background jobs, endpoints, serializers, selectors and back office pieces."""
