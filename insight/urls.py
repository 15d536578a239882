from django.urls import path

from insight import views

urlpatterns = [
    path("<slug:slug>/", views.dashboard_page, name="insight"),
    path("<slug:slug>/stats.csv", views.stats_csv, name="insight-csv"),
    path("<slug:slug>/venues/<uuid:venue_id>/", views.dashboard_page, name="insight-venue"),
    path("<slug:slug>/venues/<uuid:venue_id>/stats.csv", views.stats_csv, name="insight-venue-csv"),
]
