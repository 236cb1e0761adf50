import pytest
from django.test import Client


@pytest.mark.django_db
def test_health_reports_database_and_cache_ok(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert set(body["components"]) == {"portal", "configdb", "downtime", "archive"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/health", "/configdb/health/", "/downtime/health", "/zpages/health/"]
)
def test_health_answers_on_every_component_with_and_without_slash(
    client: Client, path: str
) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_health_reports_503_when_the_database_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError

    class BrokenCursor:
        def __enter__(self) -> "BrokenCursor":
            raise DatabaseError("server closed the connection unexpectedly")

        def __exit__(self, *args: object) -> None:
            return None

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", lambda: BrokenCursor())
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert "server closed the connection" in body["checks"]["database"]
