"""The demo network: a copy of the LCO-like ``lco-network.json``, imported idempotently."""

from __future__ import annotations

from pathlib import Path

from openocs.configdb import services

DEMO_NETWORK = Path(__file__).with_name("demo") / "lco-network.json"


def load_demo() -> str:
    """Import the demo network (idempotent); return a one-line summary."""
    counts = services.configuration_import_file(path=DEMO_NETWORK)
    summary = (
        f"{counts['sites']} sites, {counts['telescopes']} telescopes, "
        f"{counts['instruments']} instruments"
    )
    return summary if counts["changes"] else summary + " (unchanged)"
