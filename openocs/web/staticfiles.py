"""Static files that come from Python packages other than Django apps.

Plotly.js ships inside the ``plotly`` wheel (``plotly/package_data/plotly.min.js``). This finder
exposes exactly that file as the static path ``plotly/plotly.min.js``, so ``collectstatic`` and
WhiteNoise serve it like our own files and no page fetches it from the internet. Add it to
``STATICFILES_FINDERS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# static path -> (package, file inside the package)
PACKAGE_FILES: dict[str, tuple[str, str]] = {
    "plotly/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}


def _package_file(package: str, relative: str) -> Path | None:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


class PackageFileFinder(BaseFinder):
    """Finds the files of :data:`PACKAGE_FILES` inside their installed packages."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(
                f"The static file {static_path!r} needs the {package!r} package installed.",
                id="ocs_web.E001",
            )
            for static_path, (package, relative) in PACKAGE_FILES.items()
            if _package_file(package, relative) is None
        ]

    def find(  # type: ignore[override]  # Django's stubs overload find_all
        self, path: str, find_all: bool = False, **kwargs: Any
    ) -> str | list[str]:
        located = PACKAGE_FILES.get(path)
        found = _package_file(*located) if located else None
        if found is None:
            return [] if find_all else ""
        return [str(found)] if find_all else str(found)

    def list(
        self, ignore_patterns: Iterable[str] | None
    ) -> Iterator[tuple[str, FileSystemStorage]]:
        for static_path, (package, relative) in PACKAGE_FILES.items():
            found = _package_file(package, relative)
            if found is None or matches_patterns(static_path, list(ignore_patterns or [])):
                continue
            prefix, _, name = static_path.rpartition("/")
            storage = FileSystemStorage(location=str(found.parent))
            storage.prefix = prefix  # type: ignore[attr-defined]
            yield name, storage
