"""Liveness and readiness probes for the load balancer and the orchestrator."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from backend.celery import app as celery_app

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


def _broker_answers() -> bool:
    """Connect to the Celery broker (for Redis, a PING), within about a second even when it
    is down or unreachable, so the probe answers before the load balancer gives up on it."""
    try:
        with celery_app.connection_for_write(
            settings.CELERY_BROKER_URL,
            connect_timeout=0.5,
            transport_options={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return True
    except Exception:
        logger.exception("Readiness: the Celery broker does not answer")
        return False


@require_GET
def readyz(request):
    """200 when the database, and Redis and the Celery broker when configured, answer; 503
    otherwise. Without a broker the jobs run in-process, so there is none to check."""
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["cache"] = _cache_answers()
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker_answers()
    is_ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if is_ready else "unavailable", "checks": checks},
        status=200 if is_ready else 503,
    )
