"""Base views that load the council or venue named in the URL and check access once.

As Sentry's ``ProjectEndpoint.convert_args``: the URL's ``slug``/``venue_id`` is replaced by
the loaded object before the handler runs, so no handler repeats the lookup or can forget the
permission check. A missing object is 404; a visible one the caller may not act on is 403.
Each view says, per method, which permission of `venues.access` it needs
(``permission_by_method``); a method not listed is open to anyone.
"""

from collections.abc import Mapping

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from venues.access import request_access
from venues.models import Council, Poster
from venues.selectors import venue_queryset

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ScopedApi(APIView):
    # Anonymous callers reach the handler only where the method needs no access (reads);
    # everything else is refused by the scope check, as 401 when there is no caller.
    permission_classes = [AllowAny]
    permission_by_method: Mapping[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The names scoped views used before venues.access: a view still declaring one would
        # be open to anyone, so refuse it at import time rather than in production.
        for retired in ("access_by_method", "council_admin_methods", "venue_access"):
            if retired in cls.__dict__:
                raise TypeError(f"{cls.__name__}.{retired}: say permission_by_method instead")

    def requires_authentication(self, method: str) -> bool:
        """Whether ``method`` needs a caller beyond what ``permission_classes`` say (read by
        the schema generator, backend.openapi.AutoSchema)."""
        return method in self.permission_by_method

    def _deny(self, request) -> None:
        if not request.user.is_authenticated:
            self.permission_denied(request)  # raises NotAuthenticated for anonymous callers
        raise PermissionDenied(gettext("You do not have a role that allows this here."))

    @staticmethod
    def access_method(request) -> str:
        """The method whose access rules apply: HEAD is served by ``get`` and so is a GET."""
        return "GET" if request.method == "HEAD" else request.method

    def check_scope(self, request, target) -> None:
        """Refuse (401/403) unless the caller holds this method's permission on ``target``."""
        permission = self.permission_by_method.get(self.access_method(request))
        if permission is not None and not request_access(request).may(permission, target):
            self._deny(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # DRF passes this same dict on to the handler: swap the URL's key for the object.
        self.convert_kwargs(request, self.kwargs)


class CouncilScopedApi(ScopedApi):
    """URL has ``<slug:slug>``; the handler gets ``council``. By default every unsafe method
    needs the council's admins (``council.administer``)."""

    permission_by_method = dict.fromkeys(UNSAFE_METHODS, "council.administer")

    def convert_kwargs(self, request, kwargs) -> None:
        council = get_object_or_404(Council, slug=kwargs.pop("slug"))
        self.check_scope(request, council)
        kwargs["council"] = council


class VenueScopedApi(ScopedApi):
    """URL has ``<uuid:venue_id>``; the handler gets ``venue``."""

    def convert_kwargs(self, request, kwargs) -> None:
        venue = get_object_or_404(venue_queryset(), pk=kwargs.pop("venue_id"))
        self.check_scope(request, venue)
        kwargs["venue"] = venue


class PosterScopedApi(ScopedApi):
    """URL has ``<uuid:poster_id>``; the handler gets ``poster`` (with its venue and council).
    Every method needs the poster's venue's managers."""

    permission_by_method = {
        "GET": "poster.view",
        "OPTIONS": "poster.view",
        **dict.fromkeys(UNSAFE_METHODS, "poster.revoke"),
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The names scoped views used before venues.access: a view still declaring one would
        # be open to anyone, so refuse it at import time rather than in production.
        for retired in ("access_by_method", "council_admin_methods", "venue_access"):
            if retired in cls.__dict__:
                raise TypeError(f"{cls.__name__}.{retired}: say permission_by_method instead")

    def requires_authentication(self, method: str) -> bool:
        return True

    def convert_kwargs(self, request, kwargs) -> None:
        poster = get_object_or_404(
            Poster.objects.select_related("venue__council"), pk=kwargs.pop("poster_id")
        )
        self.check_scope(request, poster)
        kwargs["poster"] = poster
