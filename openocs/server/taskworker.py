"""``python -m openocs.server.taskworker [run_huey options]``: the task-queue worker of ``ocs up``.

The same as ``django-admin run_huey`` (the deployment's ``worker`` role runs that), except that
the process skips the interpreter's final garbage collections when it ends
(:mod:`openocs.exiting`): ``ocs up`` stops it on Ctrl-C or SIGTERM, and a worker that had loaded
the archive's thumbnail code spent seconds walking its heap after saying "Consumer exiting".
"""

from __future__ import annotations

import os
import sys

from openocs.exiting import skip_final_collection


def main(argv: list[str] | None = None) -> None:
    """Run ``run_huey`` with ``argv`` (default: this command's arguments)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openocs.server.settings")
    skip_final_collection()
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["openocs.server.taskworker", "run_huey", *arguments])


if __name__ == "__main__":
    main()
