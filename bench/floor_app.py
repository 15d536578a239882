"""The WSGI application that bench/checkin_load.py serves with gunicorn: the project's own
application (``backend.wsgi``) plus two floor endpoints that do one INSERT and nothing else.

``/bench/floor`` is a bare Django view: it goes through Django's handler and the project's
middleware like any other request, but no DRF, authentication, throttling or ORM. It is the
floor the check-in is held against. ``/bench/raw-floor`` skips Django's request handling too
(a plain WSGI function on the same database connection): how much of the floor is Django's.
``/bench/drf-floor`` is the other way round: a DRF view with the API's defaults (JWT
authentication, which reads the user's row, the per-user throttle, JSON parsing and rendering)
doing the same INSERT: what any authenticated API call costs here before it does anything.
Every other path goes to ``backend.wsgi.application`` untouched.

The table ``bench_floor`` is created by the benchmark, not by a migration.
"""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from backend.wsgi import application as project_application  # runs django.setup()

FLOOR_PATH = "/bench/floor"
RAW_FLOOR_PATH = "/bench/raw-floor"
DRF_FLOOR_PATH = "/bench/drf-floor"
INSERT_SQL = "INSERT INTO bench_floor (created_at) VALUES (now())"
BODY = json.dumps({"ok": True}).encode()


@csrf_exempt
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL)
    return JsonResponse({"ok": True}, status=201)


def drf_floor_view():
    # DRF reads its settings (and so imports the API's classes) on import: after django.setup().
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class DrfFloor(APIView):
        def post(self, request):
            with connection.cursor() as cursor:
                cursor.execute(INSERT_SQL)
            # The body parsed, as a view that reads its input would.
            return Response({"ok": True, "fields": len(request.data)}, status=201)

    return DrfFloor.as_view()


# This module is also the URLconf of the floor handler below.
urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor),
    path(DRF_FLOOR_PATH.lstrip("/"), drf_floor_view()),
]


class FloorHandler(WSGIHandler):
    """Django's WSGI handler, with the middleware of the settings, resolving this URLconf."""

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


floor_application = FloorHandler()


def raw_floor(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL)
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))],
    )
    return [BODY]


def application(environ, start_response):
    path_info = environ.get("PATH_INFO", "")
    if path_info in (FLOOR_PATH, DRF_FLOOR_PATH):
        return floor_application(environ, start_response)
    if path_info == RAW_FLOOR_PATH:
        return raw_floor(environ, start_response)
    return project_application(environ, start_response)
