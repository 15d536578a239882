"""Prometheus metrics (django-prometheus) at /metrics, for the monitoring system only.

Request counts and latencies by view, response codes, database and cache calls: useful to an
attacker mapping the service, so the path answers 404 (as if it did not exist) unless the
request carries ``Authorization: Bearer <METRICS_TOKEN>``, or comes from an address in
``METRICS_ALLOWED_NETWORKS`` without passing a proxy (no ``X-Forwarded-For``; behind the public
load balancer every request would otherwise come from an internal address). With neither
setting, nobody reaches it.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView


def _has_token(request) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def _from_allowed_network(request) -> bool:
    if not settings.METRICS_ALLOWED_NETWORKS or "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


@require_safe
def metrics(request):
    if not (_has_token(request) or _from_allowed_network(request)):
        raise Http404
    return ExportToDjangoView(request)
