"""``ocs scheduler-account``: the service account deployments create after migrating."""

import pytest
from click.testing import CliRunner

from openocs.server.cli import main


@pytest.mark.django_db
def test_takes_its_token_from_the_deployment_secret_and_is_idempotent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rest_framework.authtoken.models import Token

    monkeypatch.setenv("OCS_SCHEDULER_TOKEN", "a" * 40)
    first = CliRunner().invoke(main, ["scheduler-account"])
    again = CliRunner().invoke(main, ["scheduler-account"])
    assert first.exit_code == again.exit_code == 0, first.output
    assert "token from OCS_SCHEDULER_TOKEN" in first.output
    token = Token.objects.get(user__username="scheduler")
    assert token.key == "a" * 40
    assert token.user.is_staff
    assert token.user.profile.staff_view

    monkeypatch.setenv("OCS_SCHEDULER_TOKEN", "b" * 40)  # a rotated secret replaces the token
    assert CliRunner().invoke(main, ["scheduler-account"]).exit_code == 0
    assert list(Token.objects.filter(user__username="scheduler").values_list("key", flat=True)) == [
        "b" * 40
    ]


@pytest.mark.django_db
def test_without_a_secret_it_creates_and_prints_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCS_SCHEDULER_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["scheduler-account"])
    assert result.exit_code == 0
    assert len(result.output.strip().rsplit(" ", 1)[-1]) == 40


def test_refuses_a_token_the_api_could_not_carry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCS_SCHEDULER_TOKEN", "not a token!")
    result = CliRunner().invoke(main, ["scheduler-account"])
    assert result.exit_code != 0
    assert "OCS_SCHEDULER_TOKEN must be" in result.output
