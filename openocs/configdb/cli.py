"""``ocs configdb …``: export and import the whole configuration as one JSON document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from openocs.progress import elapsed
from openocs.server.cli import setup_django


@click.group(name="configdb")
def configdb_group() -> None:
    """The configuration database: export and import the network.

    \b
    Examples:
      ocs configdb export network.json
      ocs configdb import network.json
    """


@configdb_group.command(name="export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path | None) -> None:
    """Write the whole configuration as one JSON document to FILE (default: standard output).

    \b
    Example:
      ocs configdb export backup-2030-01-01.json
    """
    setup_django()
    from openocs.configdb import services
    from openocs.configdb.errors import ExportError

    try:
        with elapsed("exporting the configuration"):  # on a terminal only
            document = services.configuration_export()
    except ExportError as error:
        raise click.ClickException(error.message) from error
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(
            f"Exported {len(document['sites'])} sites and "
            f"{len(document['instrument_types'])} instrument types to {file}.",
            err=True,
        )


@configdb_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import FILE (an OpenOCS export or the lco-network.json layout), all or nothing.

    Objects are matched by their codes and only differences are written, so importing the
    same file twice changes nothing. A bad document is refused with the path of the problem
    and nothing is written (exit code 1).

    \b
    Example:
      ocs configdb import openocs/configdb/demo/lco-network.json
    """
    setup_django()
    from openocs.configdb import services
    from openocs.configdb.errors import ImportDocumentError

    try:
        with elapsed("importing the configuration"):  # on a terminal only
            counts = services.configuration_import_file(path=file)
    except ImportDocumentError as error:
        raise click.ClickException(f"Nothing imported. {error}") from error
    click.echo(
        f"Imported {counts['sites']} sites, {counts['telescopes']} telescopes, "
        f"{counts['instruments']} instruments ({counts['changes']} changes)."
    )
