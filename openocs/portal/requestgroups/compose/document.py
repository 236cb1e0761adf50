"""The posted Compose form ⇄ the request-group document of ``POST /api/requestgroups/``.

Every input of the form is named by its path in the document (``requests.0.configurations.1
.instrument_configs.0.exposure_time``), so the form is the document: :func:`document_from_form`
rebuilds it with the wire types (numbers as numbers, empty optional fields left out so that the
API's defaults and "required" messages apply) and the page renders the document back into inputs.
Nothing here judges a value: a number that does not parse is kept as typed, and the API's
serializer says what is wrong with it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from openocs.portal.requestgroups.rules import coerce_extra_params
from openocs.portal.requestgroups.serializers import TARGET_NUMBER_FIELDS

JSON = dict[str, Any]

_FLOATS = {
    *TARGET_NUMBER_FIELDS,
    "ipp_value",
    "acceptability_threshold",
    "exposure_time",
    "repeat_duration",
    "max_airmass",
    "min_lunar_distance",
    "max_lunar_phase",
    "max_seeing",
    "min_transparency",
    "offset_ra",
    "offset_dec",
}
_INTEGERS = {"exposure_count", "configuration_repeats", "x1", "x2", "y1", "y2"}
_BOOLEANS = {"optional", "fill_window"}
_DATETIMES = {"start", "end"}
_LISTS = {"requests", "configurations", "instrument_configs", "windows", "rois"}
_HOURS_TO_DEG = 15.0
_SEXAGESIMAL = re.compile(
    r"^\s*([+-]?)\s*(\d+(?:\.\d*)?)[\s:hd°]+(\d+(?:\.\d*)?)(?:[\s:m']+(\d+(?:\.\d*)?))?\s*[s\"]?\s*$"
)
FORM_PREFIX = "g."
"""Every document input starts with this, so the page's other inputs never leak into it."""


def sexagesimal_to_deg(text: str, *, hours: bool) -> float | None:
    """``"03:19:41.1"`` (hours when ``hours``) or ``"-19 24 40"`` in degrees, else None."""
    match = _SEXAGESIMAL.match(text)
    if match is None:
        return None
    sign, first, minutes, seconds = match.groups()
    value = float(first) + float(minutes) / 60.0 + float(seconds or 0.0) / 3600.0
    value = value * _HOURS_TO_DEG if hours else value
    return -value if sign == "-" else value


def _number(text: str, kind: type) -> Any:
    try:
        return kind(text)
    except ValueError:
        return text  # the API names the problem ("A valid number is required.")


def _datetime(text: str) -> str:
    """``datetime-local`` input (``2026-12-01T12:00``) as the API's UTC ISO 8601 text."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the page works in UTC and says so
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:  # out of years 1-9999 in UTC: the API names the problem
        return text


def wire_value(key: str, text: str) -> Any:
    """One form value as the wire type of the field ``key``."""
    text = text.strip()
    if key in ("ra", "dec", "hour_angle") and not _looks_decimal(text):
        degrees = sexagesimal_to_deg(text, hours=key in ("ra", "hour_angle"))
        if degrees is not None:
            return round(degrees / _HOURS_TO_DEG if key == "hour_angle" else degrees, 7)
    if key in _FLOATS:
        return _number(text, float)
    if key in _INTEGERS:
        return _number(text, int)
    if key in _BOOLEANS:
        return text.lower() in ("true", "on", "1", "yes")
    if key in _DATETIMES:
        return _datetime(text)
    return text


def _looks_decimal(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_NOTHING = object()
MAX_ITEMS = 1000
"""Highest list index a form may name: an input called ``requests.999999999.name`` must not make
the server build a billion empty requests (the API's own limits judge what is left)."""


def _insert(tree: JSON, parts: list[str], value: Any) -> None:
    """Set ``value`` at ``parts``, creating the containers on the way (with ``_NOTHING``, only
    the containers: an item whose inputs are all empty keeps its place in its list)."""
    node: Any = tree
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= MAX_ITEMS:
                return  # not an item of the list, or an absurd one: the input is ignored
            position = int(part)
            while len(node) <= position:
                node.append({})
            node = node[position]
            continue
        default: Any = [] if following.isdigit() and part in _LISTS else {}
        node = node.setdefault(part, default)
    last = parts[-1]
    if isinstance(node, dict) and value is not _NOTHING:
        node[last] = value


def document_from_form(form: Mapping[str, Any] | Iterable[tuple[str, str]]) -> JSON:
    """The request-group document of the posted form (``g.``-prefixed inputs only)."""
    items = form.items() if isinstance(form, Mapping) else form
    tree: JSON = {}
    for name, raw in items:
        if not name.startswith(FORM_PREFIX):
            continue
        text = raw if isinstance(raw, str) else str(raw)
        parts = name[len(FORM_PREFIX) :].split(".")
        if text.strip() == "":  # empty optional → the API's default; required → "required"
            _insert(tree, parts, _NOTHING)
            continue
        if "extra_params" in parts[:-1]:  # free-form: numbers and booleans as the API reads them
            _insert(tree, parts, coerce_extra_params({parts[-1]: text.strip()})[parts[-1]])
            continue
        _insert(tree, parts, wire_value(parts[-1], text))
    return _tidy(tree)


def _tidy(tree: JSON) -> JSON:
    """Lists for list fields even when the form had no item of them; empty location dropped."""
    for request in tree.get("requests", []):
        for configuration in request.get("configurations", []):
            configuration.setdefault("instrument_configs", [])
            configuration.setdefault("acquisition_config", {})
            configuration.setdefault("guiding_config", {})
            configuration.setdefault("constraints", {})
            configuration.setdefault("target", {})
            for ic in configuration["instrument_configs"]:
                ic.setdefault("optical_elements", {})
        request.setdefault("configurations", [])
        request.setdefault("windows", [])
    tree.setdefault("requests", [])
    return tree


# --- what a new page starts from --------------------------------------------------------------


def blank_instrument_config() -> JSON:
    return {"exposure_time": 30.0, "exposure_count": 1, "optical_elements": {}, "mode": ""}


def blank_configuration(instrument_type: str = "", configuration_type: str = "EXPOSE") -> JSON:
    return {
        "type": configuration_type,
        "instrument_type": instrument_type,
        "instrument_configs": [blank_instrument_config()],
        "target": {"type": "ICRS", "name": ""},
        "constraints": {"max_airmass": 1.6, "min_lunar_distance": 30.0},
        "acquisition_config": {"mode": "OFF"},
        "guiding_config": {"mode": "ON", "optional": True},
    }


def blank_request(*, now: datetime, instrument_type: str = "", telescope_class: str = "") -> JSON:
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {
        "location": {"telescope_class": telescope_class},
        "windows": [
            {
                "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end": (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        ],
        "configurations": [blank_configuration(instrument_type)],
        "observation_note": "",
    }


def blank_group(
    *, now: datetime, proposal: str = "", instrument_type: str = "", telescope_class: str = ""
) -> JSON:
    return {
        "name": "",
        "proposal": proposal,
        "ipp_value": 1.05,
        "operator": "SINGLE",
        "observation_type": "NORMAL",
        "requests": [
            blank_request(now=now, instrument_type=instrument_type, telescope_class=telescope_class)
        ],
    }


_READ_ONLY = {
    "id",
    "state",
    "created",
    "modified",
    "submitter",
    "duration",
    "suspend_until",
    "priority",
}


def clone_of(rendered_group: JSON) -> JSON:
    """A submitted group (its API detail shape) as a new document: ids and states dropped."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _READ_ONLY and v is not None}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    document: JSON = strip(copy.deepcopy(rendered_group))
    document["name"] = (
        f"{document.get('name', '')}"[:44] + " (copy)" if document.get("name") else ""
    )
    return _tidy(document)


# --- structural edits (add/remove an item) ----------------------------------------------------


def _node_at(document: JSON, path: str) -> Any:
    node: Any = document
    for part in [p for p in path.split(".") if p]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def apply_action(document: JSON, action: str, *, now: datetime) -> JSON:
    """``add:<list path>`` appends a copy of the list's last item (or a blank one);
    ``remove:<item path>`` deletes an item (a list keeps at least one item)."""
    verb, _, path = action.partition(":")
    document = copy.deepcopy(document)
    try:
        if verb == "add":
            parent_path, _, key = path.rpartition(".")
            parent = _node_at(document, parent_path)
            items = parent.setdefault(key, []) if isinstance(parent, dict) else None
            if key in _LISTS and isinstance(items, list):
                items.append(copy.deepcopy(items[-1]) if items else _blank_item(key, now=now))
        elif verb == "remove":
            parent_path, _, index = path.rpartition(".")
            items = _node_at(document, parent_path)
            key = parent_path.rsplit(".", 1)[-1]
            if isinstance(items, list) and (len(items) > 1 or key in ("rois", "windows")):
                del items[int(index)]
    except (KeyError, IndexError, ValueError, TypeError):
        pass  # a stale button (the item is already gone): nothing to change
    return document


def _blank_item(key: str, *, now: datetime) -> JSON:
    if key == "requests":
        return blank_request(now=now)
    if key == "configurations":
        return blank_configuration()
    if key == "instrument_configs":
        return blank_instrument_config()
    if key == "windows":
        window: JSON = blank_request(now=now)["windows"][0]
        return window
    return {}
