"""``ocs archive …``: archive maintenance commands."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click


def _setup() -> None:
    """Configure Django (the ``ocs`` command may not have done it yet)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
    django.setup()


@click.group("archive")
def archive_group() -> None:
    """Archive maintenance.

    \b
    Examples:
      ocs archive thumbnails --missing        make thumbnails of frames without any
      ocs archive delete --before 2015-01-01 --proposal LCOEngineering --dry-run
    """


@archive_group.command("thumbnails")
@click.option("--missing", is_flag=True, help="Only frames that have no thumbnail yet.")
def thumbnails_command(missing: bool) -> None:
    """(Re)generate thumbnails of image frames."""
    _setup()
    from openocs.archive.models import Frame
    from openocs.archive.thumbnails import thumbnails_generate

    frames = Frame.objects.filter(listed=True)
    if missing:
        frames = frames.filter(thumbnails__isnull=True)
    count = 0
    frame_ids = list(frames.values_list("id", flat=True).order_by("id"))
    # click draws the bar only on a terminal
    with click.progressbar(frame_ids, label="thumbnails", file=sys.stderr) as bar:
        for frame_id in bar:
            count += len(thumbnails_generate(frame_id=frame_id))
    click.echo(f"{count} thumbnails written")


@archive_group.command("delete")
@click.option("--before", type=click.DateTime(["%Y-%m-%d"]), help="Observed before this date.")
@click.option("--after", type=click.DateTime(["%Y-%m-%d"]), help="Observed on or after this date.")
@click.option("--proposal", multiple=True, help="Proposal id (repeatable).")
@click.option("--site", multiple=True, help="Site code (repeatable).")
@click.option("--reduction-level", type=int, multiple=True)
@click.option("--dry-run", is_flag=True, help="Only count the frames.")
def delete_command(
    before: datetime | None,
    after: datetime | None,
    proposal: tuple[str, ...],
    site: tuple[str, ...],
    reduction_level: tuple[int, ...],
    dry_run: bool,
) -> None:
    """Delete frames and their stored files in batches of 1000."""
    _setup()
    from openocs.archive import services
    from openocs.archive.models import Frame

    if before is None and after is None and not proposal:
        raise click.UsageError("give --before, --after or --proposal")
    frames = Frame.objects.all()
    if before:
        frames = frames.filter(observation_date__lt=before.replace(tzinfo=UTC))
    if after:
        frames = frames.filter(observation_date__gte=after.replace(tzinfo=UTC))
    if proposal:
        frames = frames.filter(proposal_id__in=proposal)
    if site:
        frames = frames.filter(site_id__in=site)
    if reduction_level:
        frames = frames.filter(reduction_level__in=reduction_level)
    total = frames.count()
    if dry_run:
        click.echo(f"{total} frames would be deleted")
        return
    deleted = 0
    while batch := list(frames.order_by("id")[:1000]):
        for frame in batch:
            for note in services.frame_delete(frame=frame):
                click.echo(note, err=True)
            deleted += 1
    click.echo(f"{deleted} frames deleted")
