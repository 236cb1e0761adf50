"""Prometheus metrics at /metrics: request rates and latencies by route, queue depth, webhooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(body: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return float(samples.get((name, tuple(sorted(labels.items()))), 0.0))


@pytest.mark.django_db
def test_requests_are_counted_and_timed_by_route_not_by_raw_path() -> None:
    client = Client()
    before = _samples(client.get("/metrics").content.decode())
    client.get("/health/")
    client.get("/health")
    client.get("/no/such/page/")
    response = client.get("/metrics/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    after = _samples(response.content.decode())
    health = {"method": "GET", "route": "^health/?$"}
    counted = "ocs_http_requests_total"
    assert (
        _value(after, counted, **health, status="200")
        - _value(before, counted, **health, status="200")
        == 2
    )
    assert _value(after, counted, method="GET", route="<unmatched>", status="404") >= 1
    assert _value(after, "ocs_http_request_duration_seconds_count", **health) >= 2
    assert ("ocs_task_queue_pending", ()) in after
    assert ("ocs_task_queue_scheduled", ()) in after


@pytest.mark.django_db
def test_webhook_failures_are_read_from_the_database() -> None:
    webhook_model = apps.get_model("notifications", "Webhook")
    delivery_model = apps.get_model("notifications", "WebhookDelivery")
    owner = User.objects.create_user("hooks")
    failing = webhook_model.objects.create(owner=owner, url="https://a.example.org/", secret="s")
    healthy = webhook_model.objects.create(owner=owner, url="https://b.example.org/", secret="s")
    delivery_model.objects.create(webhook=failing, event_kind="x", attempt=1, success=True)
    delivery_model.objects.create(webhook=failing, event_kind="x", attempt=2, success=False)
    delivery_model.objects.create(webhook=healthy, event_kind="x", attempt=1, success=False)
    delivery_model.objects.create(webhook=healthy, event_kind="x", attempt=2, success=True)
    samples = _samples(Client().get("/metrics").content.decode())
    assert _value(samples, "ocs_webhook_delivery_failures") == 2
    assert _value(samples, "ocs_webhooks_failing") == 1


@pytest.mark.django_db
@override_settings(PRODUCTION=True, OCS_METRICS_TOKEN="")
def test_production_without_a_token_keeps_metrics_closed() -> None:
    response = Client().get("/metrics")
    assert response.status_code == 403
    assert b"OCS_METRICS_TOKEN" in response.content


@pytest.mark.django_db
@override_settings(PRODUCTION=True, OCS_METRICS_TOKEN="scrape-me")
def test_production_answers_the_bearer_token_only() -> None:
    client = Client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


@pytest.mark.django_db
def test_multiprocess_mode_reads_every_workers_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = Client().get("/metrics")  # no worker has written a file yet: only the state
    assert response.status_code == 200
    samples = _samples(response.content.decode())
    assert ("ocs_task_queue_pending", ()) in samples
    assert not any(name.startswith("ocs_http_requests") for name, _ in samples)


def test_ocs_up_gives_the_web_workers_an_empty_metrics_folder(tmp_path: Path) -> None:
    from openocs.server.cli import metrics_folder

    folder = metrics_folder(tmp_path)
    (folder / "counter_1.db").write_bytes(b"old")
    assert metrics_folder(tmp_path) == folder
    assert list(folder.iterdir()) == []


@pytest.mark.django_db
def test_a_source_that_is_down_is_left_out_not_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError
    from huey.contrib.djhuey import HUEY

    def down() -> int:
        raise OperationalError("queue down")

    monkeypatch.setattr(HUEY, "pending_count", down)
    response = Client().get("/metrics")
    assert response.status_code == 200
    samples = _samples(response.content.decode())
    assert _value(samples, "ocs_metrics_source_errors", source="task_queue") == 1
    assert ("ocs_task_queue_pending", ()) not in samples
