"""Venue and council statistics: the aggregates (selectors) and their endpoints."""
