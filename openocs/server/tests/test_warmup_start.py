"""What the server's warm-up does beyond the components' hooks (issue 17): the models' lazy
metadata and one request through the worker's own handler."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from openocs.server import warmup

pytestmark = pytest.mark.django_db


def test_the_models_lazy_metadata_is_filled_without_touching_the_database() -> None:
    with CaptureQueriesContext(connection) as captured:
        count = warmup.warm_model_metadata()
    assert count == len(apps.get_models()) > 20
    assert captured.captured_queries == []
    for model in apps.get_models():
        cached = vars(model._meta)
        assert {"fields_map", "concrete_fields", "managers_map", "base_manager"} <= set(cached)
        assert all("cached_col" in vars(field) for field in model._meta.concrete_fields)


def _health_requests() -> float:
    total = 0.0
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == "ocs_http_requests_total" and "health" in sample.labels["route"]:
                total += sample.value
    return total


def test_the_warm_up_request_goes_through_the_handler_and_is_not_counted() -> None:
    before = _health_requests()
    status = warmup.serve_warm_up_request(get_wsgi_application())
    assert status in (200, 503)  # answered by the health view (503: no cache in this test run)
    assert _health_requests() == before
    import sys

    # what the middleware loads on a worker's first request is loaded
    assert "django.contrib.messages.storage.fallback" in sys.modules
    assert "django.contrib.sessions.serializers" in sys.modules
