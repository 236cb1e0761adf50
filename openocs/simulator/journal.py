"""The simulator's journal: which frame each exposure became and whether it is archived.

A frame's identity is stable — ``obs<observation>/cs<status>/<exposure>`` for an observation's
exposure, ``calib/<telescope>/<night>/<type>/<n>`` for a calibration — and the journal gives it
one frame number (per instrument and night) and remembers once it is ingested, so a retried
configuration, a restarted simulator or a lost archive answer never archives a frame twice.
One JSON object per line, appended and flushed as it happens; reloaded on start.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FrameJournal", "JournalEntry"]


@dataclass
class JournalEntry:
    identity: str
    instrument: str
    day_obs: str
    frame_number: int
    date_obs: str
    ingested: bool = False
    frame_id: int | None = None


class FrameJournal:
    """Frame numbers and ingest state by frame identity, kept in ``path`` (JSON lines)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, JournalEntry] = {}
        self._next: dict[tuple[str, str], int] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._apply(json.loads(line))
        path.parent.mkdir(parents=True, exist_ok=True)

    def _apply(self, record: dict[str, Any]) -> None:
        identity = str(record["identity"])
        if record.get("event") == "ingested":
            entry = self._entries.get(identity)
            if entry is not None:
                entry.ingested = True
                entry.frame_id = record.get("frame_id")
            return
        entry = JournalEntry(
            identity=identity,
            instrument=str(record["instrument"]),
            day_obs=str(record["day_obs"]),
            frame_number=int(record["frame_number"]),
            date_obs=str(record["date_obs"]),
        )
        self._entries[identity] = entry
        key = (entry.instrument, entry.day_obs)
        self._next[key] = max(self._next.get(key, 1), entry.frame_number + 1)

    def _append(self, record: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(record, sort_keys=True) + "\n")

    def get(self, identity: str) -> JournalEntry | None:
        with self._lock:
            return self._entries.get(identity)

    def allocate(
        self, identity: str, *, instrument: str, day_obs: str, date_obs: str
    ) -> JournalEntry:
        """The entry of ``identity``, created with the next frame number of that instrument and
        night if it has none yet (an existing entry keeps its number and date)."""
        with self._lock:
            entry = self._entries.get(identity)
            if entry is not None:
                return entry
            key = (instrument, day_obs)
            number = self._next.get(key, 1)
            record = {
                "identity": identity,
                "instrument": instrument,
                "day_obs": day_obs,
                "frame_number": number,
                "date_obs": date_obs,
            }
            self._append(record)
            self._apply(record)
            return self._entries[identity]

    def mark_ingested(self, identity: str, *, frame_id: int | None) -> None:
        with self._lock:
            record = {"identity": identity, "event": "ingested", "frame_id": frame_id}
            self._append(record)
            self._apply(record)

    def ingested_count(self) -> int:
        with self._lock:
            return sum(1 for entry in self._entries.values() if entry.ingested)
