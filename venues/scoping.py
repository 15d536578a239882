"""Base views that load the council or venue named in the URL and check access once.

As Sentry's ``ProjectEndpoint.convert_args``: the URL's ``slug``/``venue_id`` is replaced by
the loaded object before the handler runs, so no handler repeats the lookup or can forget the
permission check. A missing object is 404; a visible one the caller may not act on is 403.
"""

from django.shortcuts import get_object_or_404
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from venues.models import Council, Poster
from venues.permissions import VenueAccess, has_venue_access, is_council_admin, may_manage
from venues.selectors import venue_queryset


class ScopedApi(APIView):
    # Anonymous callers reach the handler only where the method needs no access (reads);
    # everything else is refused by the scope check, as 401 when there is no caller.
    permission_classes = [AllowAny]

    def requires_authentication(self, method: str) -> bool:
        """Whether ``method`` needs a caller beyond what ``permission_classes`` say (read by
        the schema generator, backend.openapi.AutoSchema)."""
        return False

    def _deny(self, request) -> None:
        if not request.user.is_authenticated:
            self.permission_denied(request)  # raises NotAuthenticated for anonymous callers
        raise PermissionDenied("You do not have a role that allows this here.")

    @staticmethod
    def access_method(request) -> str:
        """The method whose access rules apply: HEAD is served by ``get`` and so is a GET."""
        return "GET" if request.method == "HEAD" else request.method

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # DRF passes this same dict on to the handler: swap the URL's key for the object.
        self.convert_kwargs(request, self.kwargs)


class CouncilScopedApi(ScopedApi):
    """URL has ``<slug:slug>``; the handler gets ``council``. ``council_admin_methods`` (by
    default every unsafe method) need the council's admin or a superuser."""

    council_admin_methods: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def requires_authentication(self, method: str) -> bool:
        return method in self.council_admin_methods

    def convert_kwargs(self, request, kwargs) -> None:
        council = get_object_or_404(Council, slug=kwargs.pop("slug"))
        if self.access_method(request) in self.council_admin_methods and not is_council_admin(
            request.user, council
        ):
            self._deny(request)
        kwargs["council"] = council


class VenueScopedApi(ScopedApi):
    """URL has ``<uuid:venue_id>``; the handler gets ``venue``. ``access_by_method`` says
    the access each method needs (a method not listed is open to anyone)."""

    access_by_method: dict[str, VenueAccess] = {}

    def requires_authentication(self, method: str) -> bool:
        return method in self.access_by_method

    def convert_kwargs(self, request, kwargs) -> None:
        venue = get_object_or_404(venue_queryset(), pk=kwargs.pop("venue_id"))
        needed = self.access_by_method.get(self.access_method(request))
        if needed is not None and not has_venue_access(request.user, venue, needed):
            self._deny(request)
        kwargs["venue"] = venue


class PosterScopedApi(ScopedApi):
    """URL has ``<uuid:poster_id>``; the handler gets ``poster`` (with its venue and council).
    Every method needs the poster's venue's managers."""

    def requires_authentication(self, method: str) -> bool:
        return True

    def convert_kwargs(self, request, kwargs) -> None:
        poster = get_object_or_404(
            Poster.objects.select_related("venue__council"), pk=kwargs.pop("poster_id")
        )
        if not may_manage(request.user, venue=poster.venue):
            self._deny(request)
        kwargs["poster"] = poster
