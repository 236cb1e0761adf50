"""A data table a page builds in Python and ``{% data_table %}`` renders.

Cells are plain values (escaped) or HTML built with ``format_html`` (kept as is). A column with
a ``sort_key`` has a header link that sorts by it (``?ordering=key`` / ``-key``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    sort_key: str = ""


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    empty: str = "Nothing to show yet."
    caption_visible: bool = False
