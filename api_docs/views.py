"""Swagger UI and ReDoc, fully offline and under a Content-Security-Policy.

drf-spectacular's templates run inline scripts and ReDoc's fetches Google Fonts; ours load every
script from this server (Swagger UI's settings script through drf-spectacular's split view,
ReDoc's start-up from a static file reading its settings from a JSON data block), so the docs
get the site's policy with two additions the two readers need: inline styles (ReDoc's
styled-components and Swagger UI's React write them at run time) and ReDoc's search worker,
which it starts from a ``blob:`` URL. No host but this one is allowed anywhere.
"""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from backend.security import DEFAULT_POLICY

DOCS_POLICY = (
    DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    + "; worker-src 'self' blob:"
)


class _WithDocsPolicy:
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class SwaggerView(_WithDocsPolicy, SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


class RedocView(_WithDocsPolicy, SpectacularRedocView):
    template_name = "api_docs/redoc.html"
