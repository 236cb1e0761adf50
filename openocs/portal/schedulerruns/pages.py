"""``/scheduler/``: the scheduler's last runs, and one run with the requests it left out and why
(staff; issue 15). Others get the 404 page, like the admin, so they do not learn it exists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from openocs.portal.schedulerruns import conf, selectors
from openocs.portal.schedulerruns.models import SchedulerRun
from openocs.portal.schedulerruns.reasons import reason_label
from openocs.web.responses import not_found_page

RUNS_PER_PAGE = 25
LEFT_OUT_PER_PAGE = 100


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    """404 for all but staff (before anything else, so others do not learn the page exists);
    then 405 for a method other than GET or HEAD."""
    if not request.user.is_staff:
        raise Http404("Not found")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    """The kept runs, latest first."""
    if (refused := _staff_only(request)) is not None:
        return refused
    page = Paginator(selectors.scheduler_runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    latest = selectors.scheduler_runs().first()
    return render(
        request,
        "schedulerruns/runs.html",
        {
            "page_obj": page,
            "runs": [_figures(run) for run in page],
            "latest": _figures(latest) if latest is not None else None,
            "keep": conf.runs_keep(),
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its figures, its passes, and each request it left out with the reason."""
    if (refused := _staff_only(request)) is not None:
        return refused
    run = SchedulerRun.objects.filter(pk=pk).first()
    if run is None:
        return not_found_page(request, f"Scheduler run {pk}")
    items = selectors.scheduler_run_left_out(run)
    counts = {
        row["reason"]: row["count"]
        for row in items.order_by().values("reason").annotate(count=Count("id")).order_by("reason")
    }
    current_reason = request.GET.get("reason", "")
    if current_reason:
        items = items.filter(reason=current_reason)
    page = Paginator(items, LEFT_OUT_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    ids = [row.request_id for row in rows]
    ids += [int(c) for row in rows for c in row.competitors]
    known = selectors.requests_by_id(sorted(set(ids)), user=request.user)
    return render(
        request,
        "schedulerruns/run.html",
        {
            "run": run,
            "figures": _figures(run),
            "passes": [_pass_figures(p) for p in run.passes if isinstance(p, dict)],
            "page_obj": page,
            "rows": [_row(item, known) for item in rows],
            "counts": [(code, reason_label(code), n) for code, n in counts.items()],
            "total": sum(counts.values()),
            "current_reason": current_reason,
        },
    )


def _row(item: Any, known: dict[int, Any]) -> dict[str, Any]:
    return {
        "item": item,
        "label": reason_label(item.reason),
        "request": known.get(item.request_id),
        "competitors": [(int(c), int(c) in known) for c in item.competitors],
    }


def duration_text(seconds: float | None) -> str:
    """``42.0 s``, ``3 min 05 s``, ``1 h 02 min``."""
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def percent_text(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction:.2%}"


def number_text(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _figures(run: SchedulerRun) -> dict[str, Any]:
    return {
        "run": run,
        "duration": duration_text(run.duration_s),
        "value": number_text(run.value),
        "bound": number_text(run.bound),
        "gap": percent_text(run.gap),
    }


def _pass_figures(raw: dict[str, Any]) -> dict[str, Any]:
    def number(name: str) -> float | None:
        value = raw.get(name)
        return float(value) if isinstance(value, int | float) else None

    return {
        "name": str(raw.get("name", "")).replace("_", " "),
        "kernel": str(raw.get("kernel", "")),
        "status": str(raw.get("status", "")),
        "placed": raw.get("placed", "—"),
        "value": number_text(number("value")),
        "bound": number_text(number("bound")),
        "gap": percent_text(number("gap")),
        "solve_time": duration_text(number("solve_time_s")),
        "message": str(raw.get("message", "")),
    }
