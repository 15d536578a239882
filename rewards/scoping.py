"""The base of the views that load the offer or catalog item named in the URL and check access
once (as ``venues.scoping.VenueScopedApi``, after Sentry's ``convert_args``). Each package
subclasses it with its own loader (``OfferScopedApi`` in ``rewards.offers.apis``...).

The URL's id is replaced by the loaded object before the handler runs: a missing object is 404;
one the caller may not change is 403 (`venues.access`, ``<model>.change``: a venue's thing
needs its managers, a council-wide one the council's admins). Callers must be signed in: an
anonymous one is 401 before anything is looked up.
"""

from django.http import Http404
from rest_framework.permissions import IsAuthenticated

from backend.errors import PERMISSION_DENIED, ApplicationError
from venues.access import request_access
from venues.scoping import ScopedApi


# No docstrings on these bases: the schema would show them as every subclass's description.
# URL has ``<uuid:{url_kwarg}>``; the handler gets ``{handler_kwarg}``, which the caller may
# manage.
class ManagedObjectScopedApi(ScopedApi):
    permission_classes = [IsAuthenticated]
    url_kwarg: str
    handler_kwarg: str
    denied_detail = "You do not have a role that allows this here."

    def requires_authentication(self, method: str) -> bool:
        return True

    def load(self, pk):
        raise NotImplementedError

    def convert_kwargs(self, request, kwargs) -> None:
        managed = self.load(kwargs.pop(self.url_kwarg))
        if managed is None:
            raise Http404
        if not request_access(request).may(f"{managed._meta.model_name}.change", managed):
            raise ApplicationError(PERMISSION_DENIED, self.denied_detail)
        kwargs[self.handler_kwarg] = managed
