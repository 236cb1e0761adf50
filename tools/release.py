"""Cut a release: check the changelog and versions, build the wheel (and image), tag.

``make release`` runs it. The version comes from one place, ``pyproject.toml``'s
``[project] version`` (the package metadata: ``openocs.__version__``, ``/health/``, the page
footer and the OpenAPI schema read it); the Helm chart's ``appVersion`` must match it.

Before running it: move the ``## [Unreleased]`` entries into a ``## [X.Y.Z] - YYYY-MM-DD``
section (a new, empty ``## [Unreleased]`` stays on top), set the version in ``pyproject.toml``
and ``appVersion`` (and bump ``version``) in ``deploy/helm/openocs/Chart.yaml``, commit.
``--dry-run`` checks and prints the steps without building or tagging.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)


class ReleaseError(Exception):
    """A check failed; the message says what to fix."""


@dataclass(frozen=True)
class Section:
    name: str
    date: str | None
    body: str


def changelog_sections(text: str) -> list[Section]:
    """The ``## [...]`` sections of a Keep-a-Changelog file, in order."""
    matches = list(_SECTION.finditer(text))
    sections = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        sections.append(Section(match["name"], match["date"], body))
    return sections


def check_changelog(text: str, version: str, *, today: date) -> Section:
    """The release's section; refuses a changelog not ready for ``version``."""
    sections = changelog_sections(text)
    if not sections or sections[0].name != "Unreleased":
        raise ReleaseError("CHANGELOG.md must start with a '## [Unreleased]' section.")
    if sections[0].body.strip():
        raise ReleaseError(
            f"'## [Unreleased]' still has entries: move them under '## [{version}] - "
            f"{today.isoformat()}'."
        )
    if len(sections) < 2 or sections[1].name != version:
        raise ReleaseError(
            f"The section after '## [Unreleased]' must be '## [{version}] - {today.isoformat()}'."
        )
    release = sections[1]
    if release.date is None:
        raise ReleaseError(f"'## [{version}]' needs its date: '## [{version}] - YYYY-MM-DD'.")
    if date.fromisoformat(release.date) > today:
        raise ReleaseError(f"'## [{version}]' is dated in the future ({release.date}).")
    if not re.search(r"^### ", release.body, re.M):
        raise ReleaseError(f"'## [{version}]' has no '### Added/Changed/Fixed…' entries.")
    names = [s.name for s in sections[2:]]
    if version in names:
        raise ReleaseError(f"CHANGELOG.md has two '## [{version}]' sections.")
    return release


def package_version(root: Path = ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def chart_app_version(root: Path = ROOT) -> str:
    text = (root / "deploy" / "helm" / "openocs" / "Chart.yaml").read_text(encoding="utf-8")
    match = re.search(r'^appVersion:\s*"?([^"\n]+)"?\s*$', text, re.M)
    return match.group(1) if match else ""


def _git(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed git arguments
        ["git", *args],  # noqa: S607 - git from the PATH, as a developer runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def release(*, dry_run: bool, today: date) -> list[str]:
    """Check everything, then build and tag; return the steps done (or, dry, to do)."""
    version = package_version()
    check_changelog((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), version, today=today)
    if chart_app_version() != version:
        raise ReleaseError(
            f"deploy/helm/openocs/Chart.yaml appVersion is {chart_app_version()!r}, "
            f"pyproject.toml says {version!r}."
        )
    tag = f"v{version}"
    if _git("tag", "--list", tag):
        raise ReleaseError(f"The tag {tag} exists already.")
    if _git("status", "--porcelain"):
        raise ReleaseError("The work tree has uncommitted changes: commit them first.")
    uv = str(Path(sys.executable).parent / "uv")
    steps = [
        f"{uv} build --wheel --out-dir dist",
        f"git tag -a {tag} -m 'OpenOCS {version}'",
    ]
    if shutil.which("docker"):
        steps.append(f"docker build -t openocs:{version} .")
    if dry_run:
        return steps
    for step in steps:
        print(f"==> {step}")
        subprocess.run(step, shell=True, cwd=ROOT, check=True)  # noqa: S602 - our own steps
    if not shutil.which("docker"):
        steps.append(f"(no docker here) build the image with: docker build -t openocs:{version} .")
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="check and list the steps only")
    arguments = parser.parse_args()
    try:
        steps = release(dry_run=arguments.dry_run, today=datetime.now(UTC).date())
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    for step in steps:
        print(("would run: " if arguments.dry_run else "done: ") + step)
    return 0


if __name__ == "__main__":
    sys.exit(main())
