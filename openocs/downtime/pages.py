"""The downtime component's web pages: the list (``/``), the timeline, and the create, edit and
delete pages.

Everyone reads; writing follows the API's rule (:func:`openocs.downtime.access.may_write`).
A submitted form goes through exactly what ``POST``/``PUT api/`` do: the API's serializer parses
it and :mod:`openocs.downtime.services` validates and stores it, so a page can never accept what
the API refuses, and the API's messages appear beside the fields they are about.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openocs.clients.configdb import Network
from openocs.clients.errors import ResponseFormatError, ServiceUnavailableError
from openocs.downtime import selectors, services, timeline
from openocs.downtime.access import may_write
from openocs.downtime.errors import (
    CONFIGDB_DOWN_MESSAGE,
    ConfigDBUnavailableError,
    DowntimeValidationError,
)
from openocs.downtime.filters import DowntimeFilter
from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.downtime.serializers import DowntimeSerializer
from openocs.web.clients import configdb_client
from openocs.web.responses import error_page
from openocs.web.signin import sign_in_first

HTML_FILTER_FIELDS = {
    "site": "Site",
    "enclosure": "Enclosure",
    "telescope": "Telescope",
    "instrument_type": "Instrument type",
    "reason": "Reason contains",
    "ends_after": "Ends after (UTC)",
    "starts_before": "Starts before (UTC)",
}
HTML_MAX_ROWS = 1000
INPUT_FORMAT = "%Y-%m-%dT%H:%M"
NEW_DOWNTIME_LENGTH = timedelta(hours=4)
REQUIRED = "This field is required."


def _network() -> Network | None:
    """configdb's network, or None when it cannot be reached (reads keep working)."""
    try:
        return configdb_client().network()
    except (ServiceUnavailableError, ResponseFormatError):
        return None


def _common(request: HttpRequest, view: str) -> dict[str, Any]:
    return {
        "view": view,
        "may_write": may_write(request.user),
        "list_url": reverse("downtime-page"),
        "timeline_url": reverse("downtime-timeline"),
        "new_url": reverse("downtime-new"),
        "calendar_feed": request.build_absolute_uri(reverse("downtime-calendar")),
    }


@require_safe
def downtime_page(request: HttpRequest) -> HttpResponse:
    """``GET /``: the list with a filter form; without parameters, what has not ended yet
    (downtime-api.md §2). The filters are the API's."""
    data = request.GET.copy()
    if not any(data.get(name) for name in data):
        data["ends_after"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    filterset = DowntimeFilter(
        data,
        queryset=selectors.downtime_list(),
        known_codes=selectors.known_codes(configdb_client()),
    )
    errors: dict[str, list[str]] = {}
    rows: list[Downtime] = []
    if filterset.is_valid():
        rows = list(filterset.qs[: HTML_MAX_ROWS + 1])
    else:
        errors = {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
    fields = [
        {"name": name, "label": label, "value": data.get(name, ""), "errors": errors.pop(name, [])}
        for name, label in HTML_FILTER_FIELDS.items()
    ]
    context = {
        **_common(request, "list"),
        "fields": fields,
        "other_errors": errors,
        "downtimes": rows[:HTML_MAX_ROWS],
        "truncated": len(rows) > HTML_MAX_ROWS,
        "calendar_url": reverse("downtime-calendar") + "?" + data.urlencode(),
        "filtered": bool(request.GET),
    }
    if errors:
        return error_page(request, "downtime/list.html", context, status=400)
    return render(request, "downtime/list.html", context)


@require_safe
def timeline_page(request: HttpRequest) -> HttpResponse:
    """``GET timeline/``: one row per telescope, downtime blocks over a span (default: the past
    7 days and the next 30), with controls to move and zoom it."""
    now = timezone.now()
    context = _common(request, "timeline")
    error: timeline.SpanError | None = None
    try:
        span = timeline.timeline_span(request.GET, now=now)
    except timeline.SpanError as failure:
        error = failure
        span = timeline.Span(now - timeline.DEFAULT_BEFORE, now + timeline.DEFAULT_AFTER)
    downtimes = list(selectors.downtime_list().filter(start__lt=span.end, end__gt=span.start))
    network = _network()
    rows = timeline.timeline_rows(network.telescope_keys() if network else [], downtimes)
    writer = bool(context["may_write"])
    urls = {d.pk: reverse("downtime-edit", args=[d.pk]) if writer else "" for d in downtimes}
    context.update(
        {
            "span": span,
            "error": error,
            "configdb_down": network is None,
            "downtimes": downtimes,
            "figure": timeline.timeline_figure(
                span=span, now=now, rows=rows, downtimes=downtimes, urls=urls
            ),
            "earlier": span.shifted(-0.5).query(),
            "later": span.shifted(0.5).query(),
            "zoom_in": span.zoomed(0.5).query(),
            "zoom_out": span.zoomed(2.0).query(),
            "start_value": span.start.strftime(INPUT_FORMAT),
            "end_value": span.end.strftime(INPUT_FORMAT),
        }
    )
    if error:
        return error_page(request, "downtime/timeline.html", context, status=400)
    return render(request, "downtime/timeline.html", context)


class DowntimeForm(forms.Form):
    """Draws the fields of a downtime. It validates nothing itself: the API's serializer and
    services do, and their errors are placed on the fields here (``api_errors``)."""

    telescope = forms.CharField(label="Telescope", widget=forms.Select)
    instrument_type = forms.CharField(
        label="Instrument type",
        required=False,
        widget=forms.Select,
        help_text="Leave at “whole telescope” unless only one instrument type is affected.",
    )
    start = forms.CharField(
        label="Start (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.CharField(
        label="End (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    category = forms.CharField(label="Category", required=False, widget=forms.Select)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 3000}),
        help_text="Shown on the schedule and in the calendar feed.",
    )

    def __init__(
        self,
        *args: Any,
        network: Network | None,
        current: dict[str, str],
        api_errors: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.api_errors = api_errors or {}
        telescope_choices: list[Any] = [("", "Choose a telescope…")]
        known: set[str] = set()
        if network is not None:
            for site in network.sites:
                group = []
                for enclosure in site.enclosure_set:
                    for telescope in enclosure.telescope_set:
                        key = f"{site.code}.{enclosure.code}.{telescope.code}"
                        known.add(key)
                        name = f" · {telescope.name}" if telescope.name else ""
                        group.append((key, f"{key}{name}"))
                if group:
                    telescope_choices.append((f"{site.name or site.code} ({site.code})", group))
        if current.get("telescope") and current["telescope"] not in known:
            telescope_choices.append(
                (current["telescope"], f"{current['telescope']} (not in configdb)")
            )
        types = sorted(network.instrument_type_codes) if network is not None else []
        if current.get("instrument_type") and current["instrument_type"] not in types:
            types.append(current["instrument_type"])
        categories = [(c.code, c.name) for c in DowntimeCategory.objects.order_by("name")]
        self.fields["telescope"].widget.choices = telescope_choices
        self.fields["instrument_type"].widget.choices = [("", "Whole telescope")] + [
            (code, code) for code in types
        ]
        self.fields["category"].widget.choices = [("", "No category"), *categories]

    def full_clean(self) -> None:
        """The API's errors, each beside its field (the rest above the form)."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        for name, messages_ in self.api_errors.items():
            for message in messages_:
                self.add_error(name if name in self.fields else None, message)


def _payload(post: Any) -> dict[str, Any]:
    """The API's input from the form: the telescope choice names site, enclosure and telescope.

    What was left empty is left out, so the API's "This field is required." answers it."""
    parts = post.get("telescope", "").split(".")
    codes = (
        dict(zip(("site", "enclosure", "telescope"), parts, strict=False))
        if len(parts) == 3
        else {}
    )
    given = {name: post.get(name, "").strip() for name in ("start", "end")}
    return {
        **{name: value for name, value in {**codes, **given}.items() if value},
        "instrument_type": post.get("instrument_type", ""),
        "reason": post.get("reason", ""),
        "category": post.get("category", "") or None,
    }


def _place_errors(errors: Any, payload: dict[str, Any]) -> dict[str, list[str]]:
    """The API's error tree on the form's fields: site, enclosure and telescope errors on the
    telescope choice, the end-before-start and combination rules on the field they are about."""
    placed: dict[str, list[str]] = {}
    for name, messages_ in dict(errors).items():
        for message in [str(m) for m in messages_]:
            field = name
            text = message
            if name in ("site", "enclosure"):
                field = "telescope"
                text = message if message == REQUIRED else f"{name.capitalize()}: {message}"
            elif name == "non_field_errors" and message == services.END_BEFORE_START_MESSAGE:
                field = "end"
            elif name == "non_field_errors" and message == services.COMBINATION_MESSAGE:
                field = "instrument_type" if payload.get("instrument_type") else "telescope"
                text = (
                    "That telescope has no instrument of this type."
                    if payload.get("instrument_type")
                    else "No such telescope at that site and enclosure."
                )
            if text not in placed.setdefault(field, []):
                placed[field].append(text)
    return placed


def _initial(downtime: Downtime | None, request: HttpRequest) -> dict[str, str]:
    if downtime is not None:
        return {
            "telescope": timeline.telescope_key(downtime),
            "instrument_type": downtime.instrument_type,
            "start": downtime.start.astimezone(UTC).strftime(INPUT_FORMAT),
            "end": downtime.end.astimezone(UTC).strftime(INPUT_FORMAT),
            "category": downtime.category.code if downtime.category else "",
            "reason": downtime.reason,
        }
    start = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return {
        "telescope": request.GET.get("telescope", ""),
        "instrument_type": "",
        "start": start.astimezone(UTC).strftime(INPUT_FORMAT),
        "end": (start + NEW_DOWNTIME_LENGTH).astimezone(UTC).strftime(INPUT_FORMAT),
        "category": "",
        "reason": "",
    }


def _refused(request: HttpRequest) -> HttpResponse:
    """Anonymous: sign in first. Signed in without the right: 403, as the API answers."""
    if not request.user.is_authenticated:
        return sign_in_first(request)
    return error_page(request, "downtime/forbidden.html", _common(request, ""), status=403)


def _after_save(request: HttpRequest, downtime: Downtime, verb: str) -> HttpResponseRedirect:
    messages.success(
        request, f"Downtime {downtime.pk} on {timeline.telescope_key(downtime)} {verb}."
    )
    now = timezone.now()
    default = timeline.Span(now - timeline.DEFAULT_BEFORE, now + timeline.DEFAULT_AFTER)
    url = reverse("downtime-timeline")
    if downtime.start < default.start or downtime.end > default.end:
        # show the span around it, so the one just saved is on screen
        margin = max(downtime.end - downtime.start, timedelta(days=1))
        around = timeline.Span(downtime.start - margin, downtime.end + margin)
        if around.length <= timeline.MAX_SPAN:
            url += "?" + around.query()
    return HttpResponseRedirect(url)


def _form_page(request: HttpRequest, downtime: Downtime | None) -> HttpResponse:
    if not may_write(request.user):
        return _refused(request)
    network = _network()
    status = 200
    api_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload = _payload(request.POST)
        serializer = DowntimeSerializer(instance=downtime, data=payload)
        if serializer.is_valid():
            try:
                if downtime is None:
                    saved = services.downtime_create(
                        **serializer.validated_data,
                        created_by=request.user,
                        configdb=configdb_client(),
                    )
                    return _after_save(request, saved, "created")
                saved = services.downtime_update(
                    downtime=downtime,
                    changes=serializer.validated_data,
                    configdb=configdb_client(),
                )
                return _after_save(request, saved, "saved")
            except DowntimeValidationError as error:
                api_errors = _place_errors(error.errors, payload)
            except ConfigDBUnavailableError:
                api_errors = {"__all__": [CONFIGDB_DOWN_MESSAGE]}
                status = 503
        else:
            api_errors = _place_errors(serializer.errors, payload)
        status = status if status != 200 else 400
        current = {name: request.POST.get(name, "") for name in DowntimeForm.base_fields}
    else:
        current = _initial(downtime, request)
    form = DowntimeForm(data=current, network=network, current=current, api_errors=api_errors)
    context = {
        **_common(request, "form"),
        "form": form,
        "downtime": downtime,
        "configdb_down": network is None,
        "cancel_url": reverse("downtime-timeline"),
    }
    return error_page(request, "downtime/form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def create_page(request: HttpRequest) -> HttpResponse:
    """``new/``: a form for a new downtime (``POST api/``'s rules)."""
    return _form_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """``<id>/edit/``: the downtime's form (``PUT api/<id>/``'s rules)."""
    downtime = selectors.downtime_list().filter(pk=pk).first()
    if downtime is None:
        return error_page(request, "404.html", {"what": f"Downtime {pk}"}, status=404)
    return _form_page(request, downtime)


@require_http_methods(["GET", "HEAD", "POST"])
def delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """``<id>/delete/``: confirm, then remove it (``DELETE api/<id>/``)."""
    downtime = selectors.downtime_list().filter(pk=pk).first()
    if downtime is None:
        return error_page(request, "404.html", {"what": f"Downtime {pk}"}, status=404)
    if not may_write(request.user):
        return _refused(request)
    if request.method == "POST":
        description = f"Downtime {downtime.pk} on {timeline.telescope_key(downtime)} deleted."
        services.downtime_delete(downtime=downtime)
        messages.success(request, description)
        return HttpResponseRedirect(reverse("downtime-timeline"))
    context = {**_common(request, "form"), "downtime": downtime}
    return render(request, "downtime/delete.html", context)
