"""Serializer fields that read a venue or a council named in a request body, each with one
message when none matches."""

from rest_framework import serializers

from venues.models import Council, Venue


class VenueField(serializers.PrimaryKeyRelatedField):
    """A venue by its id (a UUID); the venue comes with its council."""

    default_error_messages = {"does_not_exist": "No venue has this id."}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Venue.objects.select_related("council"))
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)


class CouncilField(serializers.SlugField):
    """A council by its slug. A slug field that answers the council: the schema and the check
    of the slug's form stay those of a slug."""

    default_error_messages = {"does_not_exist": "No council has this slug."}

    def run_validation(self, data=serializers.empty):
        slug = super().run_validation(data)
        if slug is None:
            return None
        council = Council.objects.filter(slug=slug).first()
        if council is None:
            self.fail("does_not_exist")
        return council
