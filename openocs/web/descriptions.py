"""Readable descriptions from view docstrings (the browsable API and the API reference).

Docstrings are written for developers: reST literals (````x````), wrapped lines, and references
to sections of the interface contract (``§17.2``), which lives outside the repository. A reader
of the API gets the first paragraph (or all of it) as prose: literals as code, lines unwrapped,
section references left out.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from rest_framework.views import APIView

_SECTION_REFERENCE = re.compile(
    r"\s*\((?:[\w.-]+\.md\s*)?§[\d.]+(?:[,;]?\s*§?[\d.]+)*\)|\s*§[\d.]+"
)
_LITERAL = re.compile(r"``(.+?)``")


def paragraphs(docstring: str) -> list[str]:
    """The docstring's paragraphs, each on one line, section references left out."""
    text = _SECTION_REFERENCE.sub("", docstring.strip())
    blocks = re.split(r"\n\s*\n", text)
    return [
        " ".join(line.strip() for line in block.splitlines()).strip()
        for block in blocks
        if block.strip()
    ]


def summary(docstring: str) -> str:
    """The first paragraph, whole (never cut mid-sentence), as markdown."""
    found = paragraphs(docstring)
    return _LITERAL.sub(r"`\1`", found[0]) if found else ""


def view_description(view: APIView, html_output: bool = False) -> str | SafeString:
    """DRF's ``VIEW_DESCRIPTION_FUNCTION``: the view's docstring as prose (HTML when asked)."""
    from rest_framework.views import get_view_description

    text = get_view_description(view, html=False)
    parts = paragraphs(text)
    if not html_output:
        return "\n\n".join(_LITERAL.sub(r"`\1`", part) for part in parts)
    rendered = []
    for part in parts:
        escaped = html.escape(part)
        escaped = re.sub(r"``(.+?)``|`(.+?)`", lambda m: f"<code>{m[1] or m[2]}</code>", escaped)
        rendered.append(f"<p>{escaped}</p>")
    return mark_safe("".join(rendered))  # noqa: S308 - built from escaped text
