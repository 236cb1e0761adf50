"""``ocs backup`` and ``ocs restore``: one archive holding the database and the local file store.

The archive (``.tar.gz``) holds ``database.json`` (every installed component's rows, written by
Django's ``dumpdata`` with natural keys, so it loads into SQLite or PostgreSQL alike), the media
folder (``OCS_MEDIA_ROOT``) and, when frames are stored locally, the archive's file store
(``FILESYSTEM_STORAGE_ROOT_DIR``), plus ``manifest.json`` (version, time, row count). Frames in
S3 are not copied: back the bucket up with the store's own tools (docs/operations.md).

``ocs restore`` migrates the target database, refuses one that holds data unless ``--force``
(which empties it first), loads the rows in one transaction and puts the files back.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click

import openocs

# Rows that migrations recreate, or that are only worth their moment (sessions).
_EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
_DATABASE = "database.json"
_MANIFEST = "manifest.json"


def _file_folders() -> dict[str, Path]:
    """The local folders a backup carries, by their name in the archive."""
    from django.conf import settings

    folders = {"media": Path(settings.MEDIA_ROOT)}
    if os.environ.get("FILESTORE_TYPE", "local") == "local":
        default = Path(settings.DATA_DIR) / "archive-files"
        folders["archive-files"] = Path(os.environ.get("FILESYSTEM_STORAGE_ROOT_DIR", default))
    return folders


def create_backup(path: Path) -> dict[str, object]:
    """Write the backup archive to ``path``; return its manifest."""
    from django.core.management import call_command

    with tempfile.TemporaryDirectory(prefix="ocs-backup-") as work:
        dump = Path(work) / _DATABASE
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            *(f"--exclude={label}" for label in _EXCLUDED),
            output=str(dump),
            verbosity=0,
        )
        rows = len(json.loads(dump.read_text(encoding="utf-8")))
        folders: list[str] = []
        manifest: dict[str, object] = {
            "version": openocs.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": rows,
            "folders": folders,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(dump, arcname=_DATABASE)
            for name, folder in _file_folders().items():
                if folder.is_dir():
                    archive.add(folder, arcname=name)
                    folders.append(name)
            manifest_file = Path(work) / _MANIFEST
            manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            archive.add(manifest_file, arcname=_MANIFEST)
    return manifest


# Rows the migrations themselves write (configdb 0002_seed_mode_types, downtime
# 0002_seed_categories): every freshly migrated database holds them, so they are not "data".
# The backup carries them too and loading it rewrites them.
_SEEDED_BY_MIGRATIONS = {"configdb.modetype", "configdb.configstate", "downtime.downtimecategory"}


def _database_has_rows() -> bool:
    from django.apps import apps

    skipped = {"contenttypes", "auth.permission", "sessions", "admin.logentry"}
    skipped |= _SEEDED_BY_MIGRATIONS
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in skipped or label in skipped or not model._meta.managed:
            continue
        if model._default_manager.exists():
            return True
    return False


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        parts = PurePosixPath(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise click.ClickException(f"Refusing a backup with the unsafe entry {member.name!r}.")
    return members


def restore_backup(path: Path, *, force: bool = False) -> dict[str, object]:
    """Restore the archive at ``path`` into this deployment; return its manifest."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", interactive=False, verbosity=0)
    if _database_has_rows():
        if not force:
            raise click.ClickException(
                "The database already holds data: restore into an empty one, or pass --force "
                "to replace everything in it."
            )
        call_command("flush", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory(prefix="ocs-restore-") as work:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, members=_safe_members(archive), filter="data")
        manifest = json.loads((Path(work) / _MANIFEST).read_text(encoding="utf-8"))
        with transaction.atomic():
            call_command("loaddata", str(Path(work) / _DATABASE), verbosity=0)
        for name, folder in _file_folders().items():
            source = Path(work) / name
            if source.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copytree(source, folder, dirs_exist_ok=True)
    return dict(manifest)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write the database and the local file store to one archive (.tar.gz).

    \b
    Example:
      ocs backup backups/ocs-$(date +%F).tar.gz
    """
    from openocs.server.cli import setup_django

    setup_django()
    manifest = create_backup(path)
    folders = ", ".join(manifest["folders"]) or "no file folders"  # type: ignore[arg-type]
    click.echo(f"Backed up {manifest['rows']} rows and {folders} to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
def restore_command(path: Path, force: bool) -> None:
    """Restore an archive written by `ocs backup` (into an empty database unless --force).

    \b
    Example:
      ocs restore backups/ocs-2026-12-07.tar.gz
    """
    from openocs.server.cli import setup_django

    setup_django()
    manifest = restore_backup(path, force=force)
    click.echo(
        f"Restored {manifest['rows']} rows from a backup of OpenOCS {manifest['version']} "
        f"taken {manifest['created']}."
    )
