"""The printable poster of a QR poster, as PNG or PDF, for the venue's managers."""

from django.http import HttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from backend import errors
from backend.openapi import error_responses
from venues import error_codes
from venues.models import Poster
from venues.posters.pdf import poster_pdf
from venues.posters.rendering import poster_png
from venues.scoping import PosterScopedApi

PRINT_ERRORS = (
    errors.NOT_AUTHENTICATED,
    errors.PERMISSION_DENIED,
    errors.NOT_FOUND,
    error_codes.REVOKED_QR,
)


def poster_filename(poster: Poster, extension: str) -> str:
    """``poster-<venue slug>-<label slug>.<extension>``, ASCII only so that it fits a plain
    ``filename=`` parameter."""
    label = slugify(poster.label) or str(poster.id)[:8]
    return f"poster-{slugify(poster.venue.slug)}-{label}.{extension}"


class _PosterFileApi(PosterScopedApi):
    media_type = ""
    disposition = ""
    extension = ""

    def perform_content_negotiation(self, request, force=False):
        # The handler answers bytes, not data for a renderer, so `Accept: image/png` must not
        # be refused with 406; errors still leave as JSON through the first renderer.
        return super().perform_content_negotiation(request, force=True)

    def file_response(self, content: bytes, poster: Poster) -> HttpResponse:
        response = HttpResponse(content, content_type=self.media_type)
        filename = poster_filename(poster, self.extension)
        response["Content-Disposition"] = f'{self.disposition}; filename="{filename}"'
        response["Cache-Control"] = "private, no-cache"
        return response


class PosterPngApi(_PosterFileApi):
    media_type = "image/png"
    disposition = "inline"
    extension = "png"

    @extend_schema(
        operation_id="posters_png",
        description="The printable A4 poster (2480 x 3508 px, 300 dpi) with its QR code.",
        responses={(200, "image/png"): OpenApiTypes.BINARY, **error_responses(*PRINT_ERRORS)},
    )
    def get(self, request, poster: Poster):
        return self.file_response(poster_png(poster), poster)


class PosterPdfApi(_PosterFileApi):
    media_type = "application/pdf"
    disposition = "attachment"
    extension = "pdf"

    @extend_schema(
        operation_id="posters_pdf",
        description="The printable poster as a one-page A4 PDF, as a download.",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **error_responses(*PRINT_ERRORS),
        },
    )
    def get(self, request, poster: Poster):
        return self.file_response(poster_pdf(poster), poster)
