"""The project's URLs plus views that fail, for the error page tests (``@pytest.mark.urls``)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from backend.urls import handler400, handler403, handler404, handler500  # noqa: F401
from backend.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a mangled request")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("refused/", refuse),
    path("suspicious/", suspicious),
    *project_urlpatterns,
]
