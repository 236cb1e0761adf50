"""Web pages of the science archive: search, a frame, and a script of download links.

Each page reads through the same selectors as the API (``visible_frames``, ``filter_frames``,
``ordering_for``, ``related_visible``), with the same :class:`Viewer`, so a page shows exactly
the frames ``GET frames/`` would answer. A frame the viewer may not see is a 404 page, like one
that does not exist. The zip of a selection is the API's own ``POST frames/zip/``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from openocs.archive import conf, selectors
from openocs.archive.files import download_url
from openocs.archive.identity import Viewer
from openocs.archive.models import Frame, Thumbnail
from openocs.archive.views import frame_ids_of
from openocs.server.components import mount_prefix
from openocs.web.responses import not_found_page
from openocs.web.target_names import target_resolve

PAGE_SIZE = 25
# A page waits this long for PostgreSQL's exact count of a broad search over a large archive,
# then shows the planner's estimate ("about …"), as the API does with ``count_estimated``.
PAGE_COUNT_TIMEOUT_MS = 150
PAGE_UNFILTERED_EXACT_MAX = 100_000  # an unfiltered view estimated above this is not counted
CONE_NAME_MAX_CHARS = 100
CONE_NAME_RADIUS_DEG = 0.25  # a cone around a resolved name when no radius is given
SCRIPT_MAX_FRAMES = 1000
# the search form's inputs: the API's own query parameters (GET frames/?…)
CHOICE_FIELDS = (
    ("site_id", "sites", "Site"),
    ("telescope_id", "telescopes", "Telescope"),
    ("instrument_id", "instruments", "Instrument"),
    ("primary_optical_element", "filters", "Filter"),
    ("configuration_type", "obstypes", "Observation type (OBSTYPE)"),
    ("proposal_id", "proposals", "Proposal"),
)
REDUCTION_LEVELS = (("0", "0: raw"), ("91", "91: processed (BANZAI)"))
COLUMNS = (
    ("Observed (UTC)", "observation_date"),
    ("Frame", "basename"),
    ("Object", "target_name"),
    ("Proposal", "proposal_id"),
    ("Instrument", "instrument_id"),
    ("Filter", "primary_optical_element"),
    ("OBSTYPE", "configuration_type"),
    ("Level", "reduction_level"),
    ("Exposure (s)", "exposure_time"),
)
THUMBNAIL_PREFERENCE = {"small": ("small", "medium", "large"), "large": ("large", "medium")}


def _viewer(request: HttpRequest) -> Viewer:
    return Viewer(user=request.user)


def _archive_path(path: str) -> str:
    """An absolute path under this deployment's archive mount point."""
    return f"{get_script_prefix()}{mount_prefix('archive', list(settings.OCS_COMPONENTS))}{path}"


def _thumbnail_url(request: HttpRequest, frame: Frame, size: str) -> str | None:
    thumbnails: dict[str, Thumbnail] = {t.size: t for t in frame.thumbnails.all()}
    for name in THUMBNAIL_PREFERENCE[size]:
        if name in thumbnails:
            return download_url(request, thumbnails[name].path, thumbnails[name].key)
    return None


class FramePaginator(Paginator):  # type: ignore[type-arg]
    """Django's paginator with a bounded count: exact when cheap, else estimated.

    With no filter at all (everything the viewer may see), a large archive is not counted: the
    planner's estimate of the visibility rule alone is close, and counting a million rows would
    cost more than the rest of the page. A filtered search gets ``PAGE_COUNT_TIMEOUT_MS`` to
    count exactly (a planner's estimate of a cone or a name can be far off)."""

    estimated = False

    def __init__(self, frames: QuerySet[Frame], per_page: int, *, filtered: bool) -> None:
        super().__init__(frames, per_page)
        self.filtered = filtered

    @cached_property
    def count(self) -> int:
        frames: QuerySet[Frame] = self.object_list  # type: ignore[assignment]
        if not self.filtered:
            estimate = selectors.estimated_count(frames)
            if estimate is not None and estimate > PAGE_UNFILTERED_EXACT_MAX:
                self.estimated = True
                return estimate
        found, self.estimated = selectors.count_within(frames, PAGE_COUNT_TIMEOUT_MS)
        return found


@dataclass(frozen=True)
class ConeCentre:
    """A cone's centre found from a name the viewer typed, and where it was found."""

    name: str
    ra_deg: float
    dec_deg: float
    source: str


def _search_params(query: QueryDict) -> tuple[QueryDict, ConeCentre | None]:
    """The page's query as API parameters: an end date alone means the whole of that day, and
    a name in the cone (``cone_name``) is resolved to its RA/Dec with the same offline catalogues
    as Compose (the default radius is then ``CONE_NAME_RADIUS_DEG``).

    Raises ValidationError naming ``cone_name`` when no catalogue knows the name."""
    params = query.copy()
    end = params.get("end", "")
    if len(end) == 10:
        params["end"] = f"{end}T23:59:59.999999"
    name = params.pop("cone_name", [""])[-1].strip()
    if not name:
        return params, None
    if len(name) > CONE_NAME_MAX_CHARS:
        raise ValidationError({"cone_name": [f"At most {CONE_NAME_MAX_CHARS} characters."]})
    if params.get("ra") or params.get("dec"):
        raise ValidationError(
            {"cone_name": ["Give either a name or RA and Dec for the cone, not both."]}
        )
    found = target_resolve(name)
    if found is None:
        raise ValidationError(
            {"cone_name": [f"No catalogue on this server knows “{name}”: give RA and Dec."]}
        )
    params["ra"] = f"{found.ra_deg:.7f}"
    params["dec"] = f"{found.dec_deg:.7f}"
    if not params.get("radius"):
        params["radius"] = str(CONE_NAME_RADIUS_DEG)
    return params, ConeCentre(found.name, found.ra_deg, found.dec_deg, found.source)


def _choices(viewer: Viewer) -> dict[str, list[str]]:
    """The values the viewer's frames take, per filter (the API's aggregate, cached 5 min)."""
    key = f"archive:page-choices:{viewer.cache_key}"
    found = cache.get(key)
    if found is None:
        found = selectors.aggregate(selectors.visible_frames(viewer))
        cache.set(key, found, 300)
    return dict(found)


def _api_query(params: QueryDict) -> str:
    """The same search as ``GET frames/`` parameters, for scripts: a resolved name is given as
    its RA/Dec, and empty fields are left out."""
    query = QueryDict(mutable=True)
    for name, values in params.lists():
        kept = [value for value in values if value]
        if kept and name != "page":
            query.setlist(name, kept)
    return query.urlencode()


def _filtered(query: QueryDict) -> bool:
    """Whether the page's query filters the frames (paging and sorting do not)."""
    return any(value for name, value in query.items() if name not in {"page", "ordering"})


@dataclass(frozen=True)
class SortHeader:
    label: str
    key: str
    value: str  # the ordering this header's link asks for
    aria: str  # "ascending", "descending" or ""


def _headers(ordering: list[str]) -> list[SortHeader]:
    first = ordering[0]
    headers = []
    for label, key in COLUMNS:
        if first == key:
            headers.append(SortHeader(label, key, f"-{key}", "ascending"))
        elif first == f"-{key}":
            headers.append(SortHeader(label, key, key, "descending"))
        else:
            headers.append(SortHeader(label, key, f"-{key}" if key != "basename" else key, ""))
    return headers


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The archive's root page: search frames, see thumbnails, select some to download."""
    viewer = _viewer(request)
    errors: dict[str, list[str]] = {}
    visible = selectors.visible_frames(viewer)
    centre: ConeCentre | None = None
    params = request.GET.copy()
    try:
        params, centre = _search_params(request.GET)
        ordering = selectors.ordering_for(params)
        frames = selectors.filter_frames(visible, params, viewer)
        frames = selectors.frames_with_relations(frames, related=False, thumbnails=True)
        paginator = FramePaginator(
            frames.order_by(*ordering), PAGE_SIZE, filtered=_filtered(request.GET)
        )
        page = paginator.get_page(request.GET.get("page"))
        rows = [(frame, _thumbnail_url(request, frame, "small")) for frame in page]
    except ValidationError as error:
        detail: Any = error.detail
        errors = {str(k): [str(m) for m in v] for k, v in dict(detail).items()}
        page = Paginator(visible.none(), PAGE_SIZE).get_page(1)
        rows = []
        ordering = selectors.ordering_for(request.GET)
    choices = _choices(viewer)
    return render(
        request,
        "archive/search.html",
        {
            "page_obj": page,
            "rows": rows,
            "errors": errors,
            "centre": centre,
            "cone_radius_deg": params.get("radius", ""),
            "headers": _headers(ordering),
            "ordering": ",".join(ordering[:1]),
            "choice_fields": [
                (name, label, choices.get(group, []), request.GET.get(name, ""))
                for name, group, label in CHOICE_FIELDS
            ],
            "reduction_levels": REDUCTION_LEVELS,
            "searched": _filtered(request.GET),
            "zip_url": _archive_path("frames/zip/"),
            "zip_max_files": conf.zip_max_files(),
            "api_query": _api_query(params),
        },
    )


def _portal_request_url(viewer: Viewer, frame: Frame) -> str | None:
    """The request's page in the portal, when there is one the viewer may open: staff, or a
    member of the frame's proposal (the portal shows a request to its proposal's members)."""
    if frame.request_id is None or not viewer.authenticated:
        return None
    if not (viewer.sees_all or frame.proposal_id in viewer.proposals):
        return None
    return conf.portal_page_url(f"requests/{frame.request_id}/")


@require_GET
def frame_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A frame: preview, headers, versions, related frames, download."""
    viewer = _viewer(request)
    found = selectors.visible_frame(viewer, pk)
    if found is None:
        return not_found_page(request, "This frame")
    frame = selectors.frames_with_relations(
        Frame.objects.filter(pk=found.pk), related=False, thumbnails=True
    ).get()
    versions = [
        (version, download_url(request, version.path, version.key) if version.path else None)
        for version in frame.version_set.all()
    ]
    headers = getattr(frame, "headers", None)
    same_request = (
        selectors.visible_frames(viewer)
        .filter(request_id=frame.request_id)
        .exclude(pk=frame.pk)
        .order_by("observation_date", "id")[:50]
        if frame.request_id is not None
        else Frame.objects.none()
    )
    return render(
        request,
        "archive/frame.html",
        {
            "frame": frame,
            "preview_url": _thumbnail_url(request, frame, "large"),
            "versions": versions,
            "download_url": versions[0][1] if versions else None,
            "headers": sorted((headers.data if headers else {}).items()),
            "related": selectors.related_visible(viewer, frame),
            "same_request": same_request,
            "request_url": _portal_request_url(viewer, frame),
            "proprietary": frame.public_date is None or frame.public_date >= timezone.now(),
            "zip_url": _archive_path("frames/zip/"),
        },
    )


@require_POST
def download_script(request: HttpRequest) -> HttpResponse:
    """A shell script of ``curl`` lines with signed URLs of the selected frames the viewer may
    download (each URL expires like the API's)."""
    try:
        ids = frame_ids_of(request.POST)
    except ValidationError as error:
        detail: Any = error.detail
        return HttpResponse(str(detail["frame_ids"][0]), status=400, content_type="text/plain")
    if len(ids) > SCRIPT_MAX_FRAMES:
        return HttpResponse(
            f"frame_ids: at most {SCRIPT_MAX_FRAMES} frames in one script.",
            status=400,
            content_type="text/plain",
        )
    viewer = _viewer(request)
    frames = selectors.frames_with_relations(
        selectors.visible_frames(viewer).filter(pk__in=ids), related=False, thumbnails=False
    ).order_by("id")
    lines = [
        "#!/bin/sh",
        f"# {len(ids)} frames asked for; the links expire "
        f"{conf.url_expiry_s() // 3600} h after {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "set -e",
    ]
    count = 0
    for frame in frames:
        versions = list(frame.version_set.all())
        if not versions or not versions[0].path:
            continue
        url = download_url(request, versions[0].path, versions[0].key)
        name = f"{frame.basename}{versions[0].extension}"
        lines.append(f"curl -fsSL -o {shlex.quote(name)} {shlex.quote(url)}")
        count += 1
    lines.insert(2, f"# {count} of them are visible to you.")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/x-shellscript")
    response["Content-Disposition"] = f'attachment; filename="{conf.zip_filename_base()}.sh"'
    return response
