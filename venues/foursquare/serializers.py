"""Representations of a venue's Foursquare link, its cached place and its proposals."""

from rest_framework import serializers

from venues.models import FoursquarePlace, FoursquareProposal, Venue


class FoursquareDriftSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=["name", "address", "postcode", "coordinates", "website"]
    )
    council = serializers.CharField(help_text="The council's value (coordinates: `lat,lng`).")
    foursquare = serializers.CharField(help_text="Foursquare's value; empty when it has none.")
    distance_m = serializers.FloatField(
        required=False, help_text="For coordinates: how far apart the two points are."
    )


class FoursquareLinkSerializer(serializers.Serializer):
    place_id = serializers.CharField(source="foursquare_place_id", allow_blank=True)
    status = serializers.ChoiceField(
        source="foursquare_status", choices=Venue.FoursquareStatus.choices
    )
    synced_at = serializers.DateTimeField(source="foursquare_synced_at", allow_null=True)
    error = serializers.CharField(source="foursquare_error", allow_blank=True)
    drift = serializers.ListField(
        source="foursquare_drift",
        child=FoursquareDriftSerializer(),
        help_text="Where Foursquare's listing differs from this record, as the last sync saw it.",
    )


class FoursquarePlaceSerializer(serializers.ModelSerializer):
    """The linked place as Foursquare listed it at ``fetched_at`` (a cache, refreshed nightly)."""

    class Meta:
        model = FoursquarePlace
        fields = [
            "place_id",
            "linked_by",
            "match_score",
            "name",
            "categories",
            "address",
            "locality",
            "postcode",
            "latitude",
            "longitude",
            "website",
            "rating",
            "popularity",
            "hours",
            "tips_count",
            "date_closed",
            "fetched_at",
        ]


class FoursquareProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = FoursquareProposal
        fields = ["field", "value", "suggestion_id", "status", "created_at", "resolved_at"]
