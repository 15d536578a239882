"""Query-string filters of the venue list (django-filter does the parsing and validation)."""

import django_filters
from django import forms
from django.conf import settings

from venues.models import Venue


class LatLngField(forms.CharField):
    """``"51.5074,-0.1278"`` -> ``(51.5074, -0.1278)``."""

    default_error_messages = {
        "invalid": "Use 'latitude,longitude' in decimal degrees, such as 51.5074,-0.1278.",
        "range": "Latitude must be within -90..90 and longitude within -180..180.",
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return latitude, longitude


class LatLngFilter(django_filters.Filter):
    field_class = LatLngField


def _applied_by_the_view(queryset, name, value):
    return queryset


class VenueFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Venue.Category.choices)
    council = django_filters.CharFilter(field_name="council__slug", max_length=80)
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)
    # The distance cut and ordering need every candidate's geodesic: venues.selectors.venues_near.
    near = LatLngFilter(method=_applied_by_the_view)
    radius = django_filters.NumberFilter(
        method=_applied_by_the_view,
        min_value=1,
        max_value=settings.VENUE_SEARCH_MAX_RADIUS_M,
    )

    class Meta:
        model = Venue
        fields = ["category", "council", "search", "near", "radius"]
