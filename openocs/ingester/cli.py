"""``ocs ingest PATH...``: validate, upload and register data files (spec §9.10)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openocs.ingester.errors import DoNotRetryError, IngesterError, NonFatalDoNotRetryError
from openocs.ingester.settings import IngesterSettings
from openocs.storage import md5_of

if TYPE_CHECKING:
    from openocs.ingester.pipeline import Ingester


def _expand(paths: tuple[str, ...], recursive: bool) -> Iterator[Path]:
    from openocs.ingester.record import SUPPORTED_EXTENSIONS

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            for child in sorted(path.glob(pattern)):
                if child.is_file() and any(
                    child.name.lower().endswith(e) for e in SUPPORTED_EXTENSIONS
                ):
                    yield child
        else:
            yield path


def _one(
    ingester: Ingester, path: Path, *, check_only: bool, dry_run: bool, retry_deadline_s: float
) -> tuple[str, Any]:
    """``(outcome, payload)`` for one file; outcome is ok/duplicate/exists/absent/error."""
    from openocs.ingester.pipeline import ingest_with_retries

    try:
        if check_only:
            with path.open("rb") as fileobj:
                md5, _ = md5_of(fileobj)
            return ("exists", True) if ingester.exists(md5) else ("absent", False)
        if dry_run:
            with path.open("rb") as fileobj:
                return "ok", ingester.describe(fileobj, path.name).record
        if retry_deadline_s <= 0:
            return "ok", ingester.ingest_path(path)
        return "ok", ingest_with_retries(
            ingester, path, base_delay_s=1.0, max_delay_s=30.0, deadline_s=retry_deadline_s
        )
    except NonFatalDoNotRetryError as error:
        return "duplicate", str(error)
    except FileNotFoundError:
        return "error", DoNotRetryError(f"No such file: {path}")
    except IngesterError as error:
        return "error", error


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--api-root", envvar="API_ROOT", help="Archive root URL (ending in /).")
@click.option("--auth-token", envvar="AUTH_TOKEN", help="A superuser token of the archive.")
@click.option("--bucket", help="S3 bucket for this run (overrides BUCKET).")
@click.option("--process-name", default="ocs-ingest", show_default=True, help="Name in logs.")
@click.option("--check-only", is_flag=True, help="Only report whether each file is archived.")
@click.option("--dry-run", is_flag=True, help="Validate and derive the record; upload nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print each record as JSON.")
@click.option("--recursive", is_flag=True, help="Descend into directory arguments.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--retry-deadline",
    "retry_deadline_s",
    type=click.FloatRange(min=0),
    default=None,
    help="Keep retrying a file after timeouts, refused connections and 5xx answers for this "
    "many seconds, with backoff (default 120, env OCS_INGEST_RETRY_DEADLINE_S; 0: no retries).",
)
def ingest_command(
    paths: tuple[str, ...],
    api_root: str | None,
    auth_token: str | None,
    bucket: str | None,
    process_name: str,
    check_only: bool,
    dry_run: bool,
    as_json: bool,
    recursive: bool,
    workers: int,
    retry_deadline_s: float | None,
) -> None:
    """Validate, upload and register data files with the archive.

    \b
    Examples:
      ocs ingest frame.fits.fz --api-root http://127.0.0.1:8000/archive/ --auth-token KEY
      ocs ingest --recursive --workers 4 /data/20210708/
      ocs ingest --check-only frame.fits.fz      prints True (exit 0) or False (exit 1)

    A file is retried with backoff while the archive is unreachable, times out or answers
    5xx (a freshly started archive is slow over its first requests), for up to
    --retry-deadline seconds; every attempt starts with the md5 check, so a file is never
    archived twice (one registered by an attempt whose answer was lost is reported archived).
    OCS_ARCHIVE_CONNECT_TIMEOUT_S (5) and OCS_ARCHIVE_READ_TIMEOUT_S (60) bound each request.

    Exit code 0 when every file was archived (or already was), 1 otherwise.
    """
    # Imported here: the pipeline needs astropy, which ``ocs ingest --help`` should not load.
    from tqdm import tqdm

    from openocs.ingester.pipeline import DUPLICATE_MESSAGE, Ingester

    settings = IngesterSettings.from_env()
    if api_root:
        settings = replace(
            settings, api_root=api_root if api_root.endswith("/") else api_root + "/"
        )
    if auth_token:
        settings = replace(settings, auth_token=auth_token)
    try:
        ingester = Ingester.from_settings(settings, bucket=bucket)
    except IngesterError as error:
        click.echo(f"Exception uploading file: {error}")
        sys.exit(1)
    deadline_s = settings.retry_deadline_s if retry_deadline_s is None else retry_deadline_s
    files = list(_expand(paths, recursive))
    single = len(files) == 1
    counts = {"ok": 0, "duplicate": 0, "exists": 0, "absent": 0, "error": 0}
    failures: list[tuple[Path, Exception]] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=process_name) as pool:
        futures = {
            pool.submit(
                _one,
                ingester,
                path,
                check_only=check_only,
                dry_run=dry_run,
                retry_deadline_s=deadline_s,
            ): path
            for path in files
        }
        progress = tqdm(total=len(files), unit="file", disable=single or not sys.stderr.isatty())
        for future in as_completed(futures):
            path = futures[future]
            outcome, payload = future.result()
            counts[outcome] += 1
            progress.update(1)
            prefix = "" if single else f"{path}: "
            if outcome == "ok":
                text = json.dumps(payload, default=str) if as_json or dry_run else payload["url"]
                progress.write(f"{prefix}{text}")
            elif outcome == "duplicate":
                progress.write(f"{prefix}{DUPLICATE_MESSAGE}")
            elif outcome in {"exists", "absent"}:
                progress.write(f"{prefix}{payload}")
            else:
                failures.append((path, payload))
                message = str(payload) if check_only else f"Exception uploading file: {payload}"
                for note in getattr(payload, "__notes__", []):
                    message += f"\n  note: {note}"
                progress.write(f"{prefix}{message}")
        progress.close()
    ingester.archive.close()
    if not single:
        summary = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
        click.echo(f"Summary: {len(files)} files: {summary}", err=True)
    sys.exit(1 if counts["error"] or counts["absent"] else 0)
