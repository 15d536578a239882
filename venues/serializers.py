"""Representations of councils and venues that several endpoints answer with."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from venues.foursquare.serializers import FoursquareLinkSerializer
from venues.models import Council, CouncilLink, Venue


class CouncilLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CouncilLink
        fields = ["label", "label_cy", "url"]


class CouncilOutputSerializer(serializers.ModelSerializer):
    links = CouncilLinkSerializer(
        many=True,
        read_only=True,
        help_text="The council's own places online (website, social accounts), in its order; "
        "every venue's public page lists them.",
    )

    class Meta:
        model = Council
        fields = ["id", "slug", "name", "name_cy", "website", "language", "links"]


class VenueOutputSerializer(serializers.ModelSerializer):
    council = serializers.SlugField(source="council.slug")
    foursquare = serializers.SerializerMethodField()

    class Meta:
        model = Venue
        fields = [
            "id",
            "council",
            "name",
            "name_cy",
            "description",
            "description_cy",
            "slug",
            "category",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "radius_m",
            "is_active",
            "opening_hours",
            "website",
            "foursquare",
        ]

    @extend_schema_field(FoursquareLinkSerializer)
    def get_foursquare(self, venue):
        return FoursquareLinkSerializer(venue).data


class VenueNearOutputSerializer(VenueOutputSerializer):
    distance_m = serializers.FloatField(
        required=False,
        help_text="WGS-84 geodesic distance from `near`, in metres; only with `near`.",
    )

    class Meta(VenueOutputSerializer.Meta):
        fields = [*VenueOutputSerializer.Meta.fields, "distance_m"]
