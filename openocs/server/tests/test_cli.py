"""The ``ocs`` command line."""

import pytest
from click.testing import CliRunner

from openocs.server.cli import main


def test_help_lists_the_core_commands_with_examples() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ["up", "migrate", "loaddemo", "createtoken"]:
        assert command in result.output
    assert "Examples:" in result.output


@pytest.mark.parametrize("command", ["up", "migrate", "loaddemo", "createtoken"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.django_db
def test_createtoken_prints_a_stable_token_and_can_reset_it() -> None:
    from django.contrib.auth.models import User

    User.objects.create_user("alice")
    first = CliRunner().invoke(main, ["createtoken", "alice"])
    again = CliRunner().invoke(main, ["createtoken", "alice"])
    reset = CliRunner().invoke(main, ["createtoken", "alice", "--reset"])
    assert first.exit_code == again.exit_code == reset.exit_code == 0
    assert first.output == again.output
    assert len(first.output.strip()) == 40
    assert reset.output != first.output


@pytest.mark.django_db
def test_createtoken_for_an_unknown_user_fails_clearly() -> None:
    result = CliRunner().invoke(main, ["createtoken", "nobody"])
    assert result.exit_code == 1
    assert "No user named 'nobody'" in result.output


@pytest.mark.django_db
def test_loaddemo_is_idempotent_and_prints_the_same_credentials(settings: object) -> None:
    from django.contrib.auth.models import User

    first = CliRunner().invoke(main, ["loaddemo"])
    second = CliRunner().invoke(main, ["loaddemo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert User.objects.filter(username="admin", is_staff=True, is_superuser=True).count() == 1
    credentials = [line for line in first.output.splitlines() if line.startswith(("Staff", "API"))]
    assert credentials == [
        line for line in second.output.splitlines() if line.startswith(("Staff", "API"))
    ]
    assert "password" in credentials[0]


@pytest.mark.django_db
def test_migrate_command_reports_success() -> None:
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.django_db
def test_demo_password_file_is_readable_only_by_its_owner() -> None:
    from openocs.server import cli

    path = cli._credentials_file()
    path.unlink(missing_ok=True)
    from django.contrib.auth.models import User

    User.objects.filter(username=cli.DEMO_USERNAME).delete()
    assert CliRunner().invoke(main, ["loaddemo"]).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600
