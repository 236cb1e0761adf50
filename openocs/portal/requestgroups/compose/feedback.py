"""The API's answer about a document, placed for the page: each error at the path of its field
(in words a person understands) and the duration of every request and configuration."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.serializers import RequestSerializer
from openocs.portal.requestgroups.validation import GroupValidation

_PLAIN_WORDS = {
    "This field is required.": "Please fill this in.",
    "This field is required": "Please fill this in.",
    "A valid number is required.": "Please enter a number (for example 30 or 12.5).",
    "A valid integer is required.": "Please enter a whole number.",
    "This field may not be blank.": "Please fill this in.",
}
_LABELS = {
    "requests": "Request",
    "configurations": "Configuration",
    "instrument_configs": "Exposure",
    "windows": "Window",
    "rois": "Region of interest",
}


def plain(message: str) -> str:
    """The API's message in everyday words where it is terse (the meaning is unchanged)."""
    if message.startswith('Invalid pk "') and message.endswith("object does not exist."):
        return "Choose one of your proposals."
    return _PLAIN_WORDS.get(message, message)


def flatten_errors(tree: Any, path: str = "") -> dict[str, list[str]]:
    """``{"requests": [{}, {"windows": ["…"]}]}`` → ``{"requests.1.windows": ["…"]}``.

    ``non_field_errors`` belong to the object that holds them."""
    found: dict[str, list[str]] = {}

    def walk(node: Any, at: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, at if key == "non_field_errors" else f"{at}.{key}".lstrip("."))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    found.setdefault(at, []).append(plain(value))
                else:
                    walk(value, f"{at}.{index}".lstrip("."))
        elif node not in (None, ""):
            found.setdefault(at, []).append(plain(str(node)))

    walk(tree, path)
    return found


def describe_path(path: str) -> str:
    """``requests.0.configurations.1.target.ra`` → ``Request 1 › Configuration 2 › target › ra``."""
    words: list[str] = []
    parts = path.split(".") if path else []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in _LABELS and following.isdigit():
            words.append(f"{_LABELS[part]} {int(following) + 1}")
            index += 2
            continue
        words.append(part.replace("_", " "))
        index += 1
    return " › ".join(words) if words else "Request group"


def format_duration(seconds: float) -> str:
    """``3725`` → ``1 h 02 min 05 s``; ``95`` → ``1 min 35 s``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@dataclass
class Feedback:
    errors: dict[str, list[str]] = field(default_factory=dict)
    durations: dict[str, str] = field(default_factory=dict)
    total_duration: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def summary(self) -> list[tuple[str, str, list[str]]]:
        """``(input id, where in words, messages)`` for every error, in document order."""
        return [
            ("f-" + path.replace(".", "-"), describe_path(path), messages)
            for path, messages in self.errors.items()
        ]

    def as_json(self) -> dict[str, Any]:
        return {"errors": self.errors, "durations": self.durations, "total": self.total_duration}


def feedback_for(document: dict[str, Any], validation: GroupValidation) -> Feedback:
    """Errors by path and the durations: from the group when it is valid, otherwise from
    each request on its own, so a mistake in one request leaves the others' durations showing."""
    result = Feedback(errors=flatten_errors(validation.errors))
    if validation.validated_data is not None:
        durations = validation.request_durations()
        for r_index, request in enumerate(durations["requests"]):
            result.durations[f"requests.{r_index}"] = format_duration(request["duration"])
            for c_index, configuration in enumerate(request["configurations"]):
                result.durations[f"requests.{r_index}.configurations.{c_index}"] = format_duration(
                    configuration["duration"]
                )
        result.total_duration = format_duration(durations["duration"])
        return result
    total = 0.0
    requests = document.get("requests")
    for r_index, request in enumerate(requests if isinstance(requests, list) else []):
        seconds = _request_duration_s(request, validation.context)
        if seconds is not None:
            result.durations[f"requests.{r_index}"] = format_duration(seconds)
            total += seconds
    if total:
        result.total_duration = format_duration(total)
    return result


def _request_duration_s(request: Any, context: ValidationContext) -> float | None:
    if not isinstance(request, dict):
        return None
    serializer = RequestSerializer(data=copy.deepcopy(request), context={"ocs": context})
    if not serializer.is_valid():
        return None
    return float(serializer.validated_data["duration"])
