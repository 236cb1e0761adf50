"""The Helm chart renders with Helm's own engine into manifests Kubernetes accepts (issue 18).

No cluster runs here: ``helm-python-sdk`` renders and lints the chart with Helm's Go engine, and
``kubernetes-validate`` checks every rendered object against the Kubernetes API schemas (strict:
unknown fields are errors).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "openocs"
KUBERNETES_VERSION = "1.30.0"
REQUIRED = {
    "SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://ocs:pw@db:5432/ocs",
    "REDIS_URL": "redis://redis:6379/0",
}
# README settings the chart sets itself (see the comment above `config:` in values.yaml) or
# that only concern a developer's machine.
CHART_MANAGED = {
    "OCS_COMPONENTS", "OCS_PORTAL_URL", "OCS_CONFIGDB_URL", "OCS_DOWNTIME_URL",
    "OCS_ARCHIVE_URL", "OCS_HOST", "OCS_PORT", "OCS_DATA_DIR", "OCS_STATIC_ROOT",
    "OCS_TEST_DATABASE_URL", "OCS_TEST_RUN_ID", "OCS_SCHEDULER_METRICS_PORT",
}  # fmt: skip


def render(values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The chart's objects for release ``ocs`` in namespace ``obs``."""
    given = {"secrets": dict(REQUIRED), **(values or {})}
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(given, name="ocs", namespace="obs")
    return [
        document for text in manifests.values() for document in yaml.safe_load_all(text) if document
    ]


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container.get("env", [])}


def test_every_rendered_object_is_valid_kubernetes() -> None:
    objects = render({"components": {"portal": {"autoscaling": {"enabled": True}}}})
    kinds = {o["kind"] for o in objects}
    assert kinds == {
        "Deployment", "Service", "Ingress", "Job", "Secret", "HorizontalPodAutoscaler"
    }  # fmt: skip
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_helm_lint_finds_no_error() -> None:
    report = helm.lint(str(CHART), values={"secrets": REQUIRED})
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] > 1] == []


def test_one_deployment_per_component_plus_worker_and_scheduler_each_probed_and_sized() -> None:
    deployments = by_kind(render(), "Deployment")
    assert set(deployments) == {
        "ocs-portal", "ocs-configdb", "ocs-downtime", "ocs-archive", "ocs-worker", "ocs-scheduler"
    }  # fmt: skip
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"]["requests"], name
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
        env = env_of(container)
        assert env["OCS_ENV"] == "production"
        assert env["OCS_CONFIGDB_URL"] == "http://ocs-configdb/"
        if name in ("ocs-worker", "ocs-scheduler"):
            continue
        component = name.removeprefix("ocs-")
        assert container["args"] == ["web"]
        assert env["OCS_COMPONENTS"] == component
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            check = container[probe]["httpGet"]
            assert check["path"] == "/health/"
            host = check["httpHeaders"][0]["value"]
            assert host in env["ALLOWED_HOSTS"].split(",")  # else Django answers 400
    assert deployments["ocs-scheduler"]["spec"]["replicas"] == 1
    assert deployments["ocs-scheduler"]["spec"]["strategy"]["type"] == "Recreate"


def test_migrations_run_in_a_hook_job_after_the_secret_exists() -> None:
    objects = render()
    job = by_kind(objects, "Job")["ocs-migrate"]
    secret = by_kind(objects, "Secret")["ocs-secrets"]
    job_hook = job["metadata"]["annotations"]
    secret_hook = secret["metadata"]["annotations"]
    assert job_hook["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(secret_hook["helm.sh/hook-weight"]) < int(job_hook["helm.sh/hook-weight"])
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["migrate"]  # ocs migrate, then ocs scheduler-account
    assert env_of(container)["OCS_COMPONENTS"] == "archive,configdb,downtime,portal"


def test_the_secret_carries_a_generated_scheduler_token_every_process_reads() -> None:
    objects = render()
    secret = by_kind(objects, "Secret")["ocs-secrets"]["stringData"]
    assert re.fullmatch(r"[A-Za-z0-9]{40}", secret["OCS_SCHEDULER_TOKEN"])
    assert secret["SECRET_KEY"] == REQUIRED["SECRET_KEY"]
    for deployment in by_kind(objects, "Deployment").values():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["envFrom"] == [{"secretRef": {"name": "ocs-secrets"}}]
    given = render({"secrets": {**REQUIRED, "OCS_SCHEDULER_TOKEN": "t" * 40}})
    assert by_kind(given, "Secret")["ocs-secrets"]["stringData"]["OCS_SCHEDULER_TOKEN"] == "t" * 40


def test_an_existing_secret_replaces_the_charts_own() -> None:
    objects = render({"existingSecret": "observatory-keys", "secrets": {}})
    assert by_kind(objects, "Secret") == {}
    job = by_kind(objects, "Job")["ocs-migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
        {"secretRef": {"name": "observatory-keys"}}
    ]


def test_a_missing_secret_key_is_refused_by_name() -> None:
    with pytest.raises(helm.HelmError, match=r"secrets\.SECRET_KEY is required"):
        render({"secrets": {**REQUIRED, "SECRET_KEY": ""}})


def test_settings_pass_through_and_autoscaling_takes_over_the_replica_count() -> None:
    objects = render(
        {
            "config": {"OCS_LOG_LEVEL": "DEBUG", "ALLOWED_HOSTS": "ocs.example.org"},
            "components": {
                "archive": {"enabled": False},
                "portal": {"autoscaling": {"enabled": True}},
            },
        }
    )
    deployments = by_kind(objects, "Deployment")
    assert "ocs-archive" not in deployments
    portal = deployments["ocs-portal"]
    assert "replicas" not in portal["spec"]
    env = env_of(portal["spec"]["template"]["spec"]["containers"][0])
    assert env["OCS_LOG_LEVEL"] == "DEBUG"
    assert env["ALLOWED_HOSTS"] == "ocs.example.org"
    assert "OCS_ARCHIVE_URL" not in env
    assert "OCS_SUPPORT_EMAIL" not in env  # empty values keep the application's default
    assert set(by_kind(objects, "HorizontalPodAutoscaler")) == {"ocs-portal"}


def _readme_settings() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for row in re.findall(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|", readme, re.MULTILINE):
        names.update(re.findall(r"`([A-Z0-9_]+)`", row))
    return names


def test_every_readme_setting_can_be_set_through_the_values() -> None:
    """Each README setting given under ``config`` (or ``secrets``) reaches every process."""
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    secret_names = set(values["secrets"])
    names = _readme_settings() - CHART_MANAGED
    config = {name: f"value-of-{name}" for name in names - secret_names}
    secrets = {**REQUIRED, **{name: f"value-of-{name}" for name in names & secret_names}}
    objects = render({"config": config, "secrets": secrets})
    stored = by_kind(objects, "Secret")["ocs-secrets"]["stringData"]
    for deployment in by_kind(objects, "Deployment").values():
        env = env_of(deployment["spec"]["template"]["spec"]["containers"][0])
        for name in names:
            given = secrets.get(name) or config[name]
            assert env.get(name, stored.get(name)) == given, name


def test_values_yaml_lists_the_readme_settings() -> None:
    """values.yaml documents the settings (a new README setting belongs there too)."""
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    listed = set(values["config"]) | set(values["secrets"]) | CHART_MANAGED
    assert len(_readme_settings() & listed) >= 100
