"""TOM Toolkit's redirect flow (its ``LCORedirectFacility``).

A TOM sends the astronomer to ``/create?target_name=…&target_ra=…&target_dec=…&redirect_uri=…``
with its target's fields prefixed ``target_``; after the submission the page sends them back to
``redirect_uri`` with ``observation_id=<request group id>`` added to its query, which the TOM's
callback reads. Only origins on the ``OCS_COMPOSE_REDIRECT_ORIGINS`` allow-list are followed,
so the page is not an open redirect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from openocs.portal.requestgroups.compose.conf import setting

# TOM Toolkit target field → our target field (ICRS and orbital elements).
_TOM_FIELDS = {
    "name": "name",
    "ra": "ra",
    "dec": "dec",
    "epoch": "epoch",
    "parallax": "parallax",
    "pm_ra": "proper_motion_ra",
    "pm_dec": "proper_motion_dec",
    "scheme": "scheme",
    "epoch_of_elements": "epochofel",
    "mean_anomaly": "meananom",
    "arg_of_perihelion": "argofperih",
    "eccentricity": "eccentricity",
    "lng_asc_node": "longascnode",
    "inclination": "orbinc",
    "mean_daily_motion": "dailymot",
    "semimajor_axis": "meandist",
    "epoch_of_perihelion": "epochofperih",
    "perihdist": "perihdist",
}
_TEXT_FIELDS = {"name", "scheme"}


def target_from_tom(params: Mapping[str, str]) -> dict[str, Any] | None:
    """The target a TOM passed as ``target_*`` query parameters, or None when it passed none."""
    target: dict[str, Any] = {}
    for tom_name, our_name in _TOM_FIELDS.items():
        raw = params.get(f"target_{tom_name}")
        if raw is None or str(raw).strip() in ("", "None"):
            continue
        text = str(raw).strip()
        if our_name in _TEXT_FIELDS:
            target[our_name] = text
            continue
        try:
            target[our_name] = float(text)
        except ValueError:
            target[our_name] = text  # shown as typed; the API's check names the problem
    if not target:
        return None
    non_sidereal = str(params.get("target_type", "")).upper() == "NON_SIDEREAL"
    target["type"] = "ORBITAL_ELEMENTS" if non_sidereal or "scheme" in target else "ICRS"
    if target["type"] == "ICRS":
        target.pop("scheme", None)
    return target


def _origin(uri: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port


def redirect_allowed(uri: str) -> bool:
    """Whether ``uri`` points at an origin on the allow-list (scheme, host and, if the entry
    gives one, port must match)."""
    origin = _origin(uri)
    if origin is None:
        return False
    for entry in setting("OCS_COMPOSE_REDIRECT_ORIGINS"):
        allowed = _origin(str(entry).strip())
        if allowed is None:
            continue
        if allowed[:2] == origin[:2] and (allowed[2] is None or allowed[2] == origin[2]):
            return True
    return False


def redirect_after_submit(uri: str, group_id: int) -> str:
    """``uri`` with ``observation_id=<group_id>`` added to its query (other parameters kept)."""
    parts = urlsplit(uri)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "observation_id"
    ]
    query.append(("observation_id", str(group_id)))
    return urlunsplit(parts._replace(query=urlencode(query)))
