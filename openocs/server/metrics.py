"""Prometheus metrics of a web process: ``GET /metrics`` (docs/operations.md).

- ``ocs_http_requests_total{method,route,status}`` and
  ``ocs_http_request_duration_seconds{method,route}``, recorded by :class:`MetricsMiddleware`;
  ``route`` is the URL pattern (``api/requestgroups/<int:pk>/``), never the raw path, so the
  number of series stays bounded.
- ``ocs_task_queue_pending`` and ``ocs_task_queue_scheduled``: the task queue's depth, read at
  scrape time.
- ``ocs_webhook_delivery_failures`` (failed delivery attempts in the last hour) and
  ``ocs_webhooks_failing`` (webhooks whose latest attempt failed), read from the portal's
  database at scrape time, so they count the task worker's deliveries too.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder (the
image and ``ocs up`` do) so a scrape sums every worker. The endpoint is open in development; in
production it answers only ``Authorization: Bearer <OCS_METRICS_TOKEN>`` (403 without the
setting). The scheduler daemon serves its own metrics (``openocs.scheduler.metrics``).
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from openocs.server.warmup import WARM_UP_MARK

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "ocs_http_requests",
    "HTTP requests answered, by route and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "ocs_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
UNMATCHED_ROUTE = "<unmatched>"


class MetricsMiddleware:
    """Count and time every request by its URL pattern."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get(WARM_UP_MARK):  # the worker's own, at start-up: no client's
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else UNMATCHED_ROUTE
        method = request.method or ""
        LATENCY.labels(method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response


class StateCollector(Collector):
    """Gauges read when Prometheus scrapes: task-queue depth and webhook failures."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError
        from huey.contrib.djhuey import HUEY
        from redis.exceptions import RedisError

        # A source that is down leaves its gauges out (and counts the miss) rather than failing
        # the scrape: the request metrics matter most when something is down.
        errors = GaugeMetricFamily(
            "ocs_metrics_source_errors", "Gauges left out of this scrape: their source failed",
            labels=["source"],
        )  # fmt: skip
        try:
            pending, scheduled = HUEY.pending_count(), HUEY.scheduled_count()
        except (RedisError, OSError, DatabaseError) as error:
            logger.warning("task-queue depth unreadable: %s", error)
            errors.add_metric(["task_queue"], 1)
        else:
            yield _gauge("ocs_task_queue_pending", "Tasks waiting for a worker", pending)
            yield _gauge(
                "ocs_task_queue_scheduled",
                "Tasks scheduled for later (retries, delayed tasks)",
                scheduled,
            )
        try:
            yield from list(_webhook_metrics())
        except DatabaseError as error:
            logger.warning("webhook metrics unreadable: %s", error)
            errors.add_metric(["webhooks"], 1)
        yield errors


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation)
    gauge.add_metric([], value)
    return gauge


def _webhook_metrics() -> Iterator[GaugeMetricFamily]:
    from django.apps import apps
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    # By label: the server imports no component statically (import-linter).
    if not apps.is_installed("openocs.portal.notifications"):
        return
    delivery = apps.get_model("notifications", "WebhookDelivery")
    webhook = apps.get_model("notifications", "Webhook")
    since = timezone.now() - timedelta(hours=1)
    failures = GaugeMetricFamily(
        "ocs_webhook_delivery_failures", "Failed webhook delivery attempts in the last hour"
    )
    failures.add_metric([], delivery.objects.filter(success=False, created__gte=since).count())
    yield failures
    latest = delivery.objects.filter(webhook=OuterRef("pk")).order_by("-id").values("success")[:1]
    failing = GaugeMetricFamily(
        "ocs_webhooks_failing", "Webhooks whose latest delivery attempt failed"
    )
    failing.add_metric(
        [], webhook.objects.annotate(latest=Subquery(latest)).filter(latest=False).count()
    )
    yield failing


def _authorised(request: HttpRequest) -> tuple[bool, str]:
    token = str(getattr(settings, "OCS_METRICS_TOKEN", ""))
    if not token:
        if settings.PRODUCTION:
            return False, "metrics are disabled: set OCS_METRICS_TOKEN to read them\n"
        return True, ""
    given = request.headers.get("Authorization", "")
    if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True, ""
    return False, "metrics need Authorization: Bearer <OCS_METRICS_TOKEN>\n"


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition of this process (every gunicorn worker in multiprocess)."""
    allowed, reason = _authorised(request)
    if not allowed:
        return HttpResponse(reason, status=403, content_type="text/plain")
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    return HttpResponse(body + generate_latest(state), content_type=CONTENT_TYPE_LATEST)
