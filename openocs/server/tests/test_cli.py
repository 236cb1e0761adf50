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


@pytest.mark.django_db
def test_the_demo_staff_account_sees_every_proposal_like_a_site() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    assert CliRunner().invoke(main, ["loaddemo"]).exit_code == 0
    admin = User.objects.get(username="admin")
    assert admin.profile.staff_view is True
    token = admin.auth_token.key
    proposals = Client().get("/api/proposals/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert proposals["count"] >= 1  # the demo proposal, of which admin is no member


def test_each_ocs_up_gets_its_own_gunicorn_control_socket(tmp_path: object) -> None:
    from pathlib import Path

    from openocs.server.cli import web_server_command

    assert isinstance(tmp_path, Path)

    def socket_of(data_dir: Path, port: int) -> str:
        command = web_server_command(
            python="python", host="127.0.0.1", port=port, workers=1, data_dir=data_dir
        )
        return command[command.index("--control-socket") + 1]

    first, second = socket_of(tmp_path / "a", 8000), socket_of(tmp_path / "b", 8000)
    same_dir_other_port = socket_of(tmp_path / "a", 8001)
    assert len({first, second, same_dir_other_port}) == 3
    assert first.startswith(str(tmp_path / "a"))
    assert Path(first).parent.is_dir()


def test_a_data_directory_too_deep_for_a_socket_turns_the_control_socket_off(
    tmp_path: object,
) -> None:
    from pathlib import Path

    from openocs.server.cli import web_server_command

    assert isinstance(tmp_path, Path)
    deep = tmp_path / ("d" * 120)
    command = web_server_command(
        python="python", host="127.0.0.1", port=8000, workers=1, data_dir=deep
    )
    assert "--no-control-socket" in command
    assert "--control-socket" not in command
