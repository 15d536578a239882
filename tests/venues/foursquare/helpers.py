"""Shared by the Foursquare tests: the real Foursquare ids of two libraries of the public data."""

BARKING_ID = "4b0588a0f964a5203ad422e3"
DAGENHAM_ID = "4ac518cef964a52013a620e3"
