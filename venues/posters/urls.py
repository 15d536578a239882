from django.urls import path

from venues.posters import apis, printing

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/posters/",
        apis.VenuePosterListApi.as_view(),
        name="venue-poster-list",
    ),
    path("posters/<uuid:poster_id>/revoke/", apis.PosterRevokeApi.as_view(), name="poster-revoke"),
    path("posters/<uuid:poster_id>/poster.png", printing.PosterPngApi.as_view(), name="poster-png"),
    path("posters/<uuid:poster_id>/poster.pdf", printing.PosterPdfApi.as_view(), name="poster-pdf"),
    path("qr/keys/", apis.QrKeySetApi.as_view(), name="qr-keys"),
    path("qr/<str:token>/", apis.QrResolveApi.as_view(), name="qr-resolve"),
]
