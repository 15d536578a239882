"""The OpenAPI schema and its two readers, served from drf-spectacular-sidecar (no CDN)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api_docs.views import RedocView, SwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]
