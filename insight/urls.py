from django.urls import path, register_converter

from insight import views


class CsvTableConverter:
    """The dashboard's downloads, one per table (insight.exports.TABLES)."""

    regex = "stats|days|comments"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CsvTableConverter, "csv_table")

urlpatterns = [
    path("<slug:slug>/", views.dashboard_page, name="insight"),
    path("<slug:slug>/<csv_table:table>.csv", views.stats_csv, name="insight-csv"),
    path("<slug:slug>/venues/<uuid:venue_id>/", views.dashboard_page, name="insight-venue"),
    path(
        "<slug:slug>/venues/<uuid:venue_id>/<csv_table:table>.csv",
        views.stats_csv,
        name="insight-venue-csv",
    ),
]
