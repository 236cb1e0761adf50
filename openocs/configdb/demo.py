"""The demo network: a copy of the LCO-like ``lco-network.json`` (kept identical to the shared
one) plus OpenOCS's own ``extra-sites.json`` (Ali, 80° E, so that some site is always dark),
imported idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openocs.configdb import services

DEMO_NETWORK = Path(__file__).with_name("demo") / "lco-network.json"
EXTRA_SITES = Path(__file__).with_name("demo") / "extra-sites.json"


def demo_document() -> dict[str, Any]:
    """``lco-network.json`` with the sites of ``extra-sites.json`` appended."""
    document: dict[str, Any] = json.loads(DEMO_NETWORK.read_text(encoding="utf-8"))
    extra = json.loads(EXTRA_SITES.read_text(encoding="utf-8"))
    document["sites"] = [*document["sites"], *extra["sites"]]
    return document


def load_demo() -> str:
    """Import the demo network (idempotent); return a one-line summary."""
    counts = services.configuration_import(document=demo_document())
    summary = (
        f"{counts['sites']} sites, {counts['telescopes']} telescopes, "
        f"{counts['instruments']} instruments"
    )
    return summary if counts["changes"] else summary + " (unchanged)"
