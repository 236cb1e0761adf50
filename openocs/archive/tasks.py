"""Background tasks of the archive (huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def generate_thumbnails(frame_id: int) -> int:
    """Thumbnails after ingest; returns how many were made."""
    from openocs.archive.thumbnails import thumbnails_generate

    return len(thumbnails_generate(frame_id=frame_id))
