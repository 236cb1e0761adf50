"""``ocs downtime …``: create and list downtimes from the command line (downtime-api.md §5).

Creation goes through the same service (and the same configdb check) as the API.
Exit codes: 0 success, 1 the downtime was refused (messages printed), 2 usage error,
3 configdb could not be reached.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from openocs.server.cli import setup_django

EXIT_REFUSED = 1
EXIT_CONFIGDB_DOWN = 3


class _UtcDateTime(click.ParamType):  # type: ignore[type-arg]
    name = "datetime"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        from openocs.downtime.datetimes import parse_utc_datetime

        parsed = parse_utc_datetime(str(value))
        if parsed is None:
            self.fail(f"{value!r} is not an ISO-8601 date-time (2030-01-01T00:00:00Z)", param, ctx)
        return parsed


UTC_DATETIME = _UtcDateTime()


@click.group(name="downtime")
def downtime_group() -> None:
    """Manage the downtime database.

    \b
    Examples:
      ocs downtime create -s coj -e doma -t 1m0a -r "Mirror cleaning" \\
          --start 2030-01-01T00:00:00Z --end 2030-01-01T06:00:00Z
      ocs downtime create -s ogg -e clma -t 2m0a -i 2M0-FLOYDS-SCICAM --offset-hours 1 \\
          --duration-hours 4 --category engineering
      ocs downtime list --site coj
    """


@downtime_group.command(name="create")
@click.option("-s", "--site", required=True, help="Site code (coj).")
@click.option("-e", "--enclosure", required=True, help="Enclosure code (doma).")
@click.option("-t", "--telescope", required=True, help="Telescope code (1m0a).")
@click.option(
    "-i", "--instrument-type", default="", help="Instrument type; empty = whole telescope."
)
@click.option("-r", "--reason", default="", help="Free text.")
@click.option("-c", "--category", default=None, help="maintenance, weather, engineering, …")
@click.option("--start", type=UTC_DATETIME, help="Start (ISO-8601; no offset = UTC).")
@click.option("--end", type=UTC_DATETIME, help="End (ISO-8601; no offset = UTC).")
@click.option("--offset-hours", type=float, help="Start this many hours from now.")
@click.option("--duration-hours", type=float, help="Length in hours (with --offset-hours).")
def create_command(
    site: str,
    enclosure: str,
    telescope: str,
    instrument_type: str,
    reason: str,
    category: str | None,
    start: datetime | None,
    end: datetime | None,
    offset_hours: float | None,
    duration_hours: float | None,
) -> None:
    """Create a downtime (checked against configdb like the API).

    Give either --start and --end, or --offset-hours and --duration-hours.

    \b
    Example:
      ocs downtime create -s coj -e doma -t 1m0a -r Maintenance --offset-hours 0 --duration-hours 2
    """
    absolute = start is not None or end is not None
    relative = offset_hours is not None or duration_hours is not None
    if absolute == relative:
        raise click.UsageError(
            "give either --start and --end, or --offset-hours and --duration-hours"
        )
    if absolute:
        if start is None or end is None:
            raise click.UsageError("--start and --end go together")
    else:
        if offset_hours is None or duration_hours is None:
            raise click.UsageError("--offset-hours and --duration-hours go together")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=offset_hours)
        end = start + timedelta(hours=duration_hours)

    setup_django()
    from openocs.downtime import services
    from openocs.downtime.errors import ConfigDBUnavailableError, DowntimeValidationError
    from openocs.downtime.models import DowntimeCategory
    from openocs.web.clients import configdb_client

    category_obj = None
    if category:
        category_obj = DowntimeCategory.objects.filter(code=category).first()
        if category_obj is None:
            codes = ", ".join(DowntimeCategory.objects.values_list("code", flat=True))
            raise click.BadParameter(f"unknown category (known: {codes})", param_hint="--category")
    try:
        downtime = services.downtime_create(
            start=start,
            end=end,
            site=site,
            enclosure=enclosure,
            telescope=telescope,
            instrument_type=instrument_type,
            reason=reason,
            category=category_obj,
            configdb=configdb_client(),
        )
    except DowntimeValidationError as error:
        for field, messages in error.errors.items():
            for message in messages:
                click.echo(f"Error: {field}: {message}", err=True)
        raise SystemExit(EXIT_REFUSED) from error
    except ConfigDBUnavailableError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(EXIT_CONFIGDB_DOWN) from error
    click.echo(f"Created downtime {downtime.pk}: {downtime}")


@downtime_group.command(name="list")
@click.option("--site", default=None, help="Only this site.")
@click.option("--all", "show_all", is_flag=True, help="Include downtimes that have ended.")
def list_command(site: str | None, show_all: bool) -> None:
    """List downtimes (by default those that have not ended yet).

    \b
    Example:
      ocs downtime list --site coj
    """
    setup_django()
    from openocs.downtime import selectors

    queryset = selectors.downtime_list()
    if site:
        queryset = queryset.filter(site=site)
    if not show_all:
        queryset = queryset.filter(end__gte=datetime.now(UTC))
    for downtime in queryset:
        reason = f"  {downtime.reason}" if downtime.reason else ""
        click.echo(f"{downtime.pk:>6}  {downtime}{reason}")
