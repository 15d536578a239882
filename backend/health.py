"""Liveness and readiness probes for the load balancer and the orchestrator."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def healthz(request):
    """The process is up and answering; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Readiness: the database does not answer")
        return False


def _cache_answers() -> bool:
    try:
        cache.set("readyz-probe", "1", timeout=5)
        return cache.get("readyz-probe") == "1"
    except Exception:
        logger.exception("Readiness: the cache does not answer")
        return False


@require_GET
def readyz(request):
    """200 when the database, and Redis when configured, answer; 503 otherwise."""
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["cache"] = _cache_answers()
    is_ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if is_ready else "unavailable", "checks": checks},
        status=200 if is_ready else 503,
    )
