"""``ocs backup`` / ``ocs restore``: dump, wipe, restore, and the data is back (issue 18)."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test.utils import override_settings
from rest_framework.authtoken.models import Token

from openocs.server.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("FILESTORE_TYPE", "local")
    monkeypatch.setenv("FILESYSTEM_STORAGE_ROOT_DIR", str(folder / "archive-files"))
    with override_settings(DATA_DIR=folder, MEDIA_ROOT=folder / "media"):
        yield folder


def _make_data(data_dir: Path) -> str:
    alice = User.objects.create_user("alice", email="alice@example.org", password="pw-12345678")
    token = Token.objects.create(user=alice)
    (data_dir / "media" / "sciapps").mkdir(parents=True)
    (data_dir / "media" / "sciapps" / "proposal.pdf").write_bytes(b"%PDF-1.4 proposal")
    (data_dir / "archive-files" / "2026").mkdir(parents=True)
    (data_dir / "archive-files" / "2026" / "frame.fits.fz").write_bytes(b"SIMPLE  = T")
    return str(token.key)


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_brings_rows_and_files_back(data_dir: Path, tmp_path: Path) -> None:
    token = _make_data(data_dir)
    archive = tmp_path / "backups" / "ocs.tar.gz"
    backed_up = CliRunner().invoke(main, ["backup", str(archive)])
    assert backed_up.exit_code == 0, backed_up.output
    assert "media, archive-files" in backed_up.output
    with tarfile.open(archive) as contents:
        manifest = json.load(contents.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["rows"] >= 2

    call_command("flush", interactive=False, verbosity=0)  # the wipe: database and files
    for folder in ("media", "archive-files"):
        for path in sorted((data_dir / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    assert not User.objects.exists()

    restored = CliRunner().invoke(main, ["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    alice = User.objects.get(username="alice")
    assert alice.check_password("pw-12345678")
    assert Token.objects.get(user=alice).key == token
    assert (data_dir / "media" / "sciapps" / "proposal.pdf").read_bytes() == b"%PDF-1.4 proposal"
    assert (data_dir / "archive-files" / "2026" / "frame.fits.fz").read_bytes() == b"SIMPLE  = T"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_forced(data_dir: Path, tmp_path: Path) -> None:
    _make_data(data_dir)
    archive = tmp_path / "ocs.tar.gz"
    assert CliRunner().invoke(main, ["backup", str(archive)]).exit_code == 0
    User.objects.create_user("bob")  # written after the backup

    refused = CliRunner().invoke(main, ["restore", str(archive)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output
    assert User.objects.filter(username="bob").exists()

    forced = CliRunner().invoke(main, ["restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    assert set(User.objects.values_list("username", flat=True)) == {"alice"}


def test_restore_refuses_an_archive_that_would_write_outside_its_folders(tmp_path: Path) -> None:
    import click

    from openocs.server.backup import _safe_members

    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as archive:
        archive.add(payload, arcname="../outside")
    with tarfile.open(evil) as archive, pytest.raises(click.ClickException, match="unsafe"):
        _safe_members(archive)


@pytest.mark.slow
def test_restore_into_a_new_data_directory_as_on_a_new_machine(tmp_path: Path) -> None:
    """A new machine's database is freshly migrated: the rows its migrations seed (mode types,
    downtime categories) are not data, so the restore goes ahead (it used to refuse)."""
    import os
    import subprocess
    import sys

    ocs = str(Path(sys.executable).with_name("ocs"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))}
    env["OCS_COMPONENTS"] = "configdb,downtime"  # the components whose migrations seed rows
    old = {**env, "OCS_DATA_DIR": str(tmp_path / "old")}
    new = {**env, "OCS_DATA_DIR": str(tmp_path / "new")}

    def ocs_run(*args: str, environ: dict[str, str]) -> str:
        result = subprocess.run(
            [ocs, *args], env=environ, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    ocs_run("migrate", environ=old)
    ocs_run("loaddemo", environ=old)
    ocs_run("backup", str(tmp_path / "ocs.tar.gz"), environ=old)
    ocs_run("restore", str(tmp_path / "ocs.tar.gz"), environ=new)
    exported = ocs_run("configdb", "export", str(tmp_path / "network.json"), environ=new)
    assert "Exported 7 sites" in exported
