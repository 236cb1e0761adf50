"""The Compose page (``/create``): write a request group, see it judged as you type, submit it.

Views parse, call the same services as the API (:func:`requestgroup_validate`,
:func:`requestgroup_submit`, the expansion services, the drafts serializer) and render.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import serializers

from openocs.portal.requestgroups import expansion, services
from openocs.portal.requestgroups.compose import document as documents
from openocs.portal.requestgroups.compose import tom
from openocs.portal.requestgroups.compose.choices import ComposeChoices, compose_choices
from openocs.portal.requestgroups.compose.feedback import Feedback, feedback_for, flatten_errors
from openocs.portal.requestgroups.compose.form import build_form
from openocs.portal.requestgroups.compose.mpc import MpcElementsError, elements_from_mpc
from openocs.portal.requestgroups.compose.plots import group_visibility_figure, pattern_figure
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.drafts import DraftSerializer, drafts_visible_to
from openocs.portal.requestgroups.selectors import requestgroups_visible_to
from openocs.portal.requestgroups.serializers import RequestSerializer, render_request_group
from openocs.portal.requestgroups.validation import GroupValidation, requestgroup_validate
from openocs.web.target_names import target_resolve

Document = dict[str, Any]


def _now() -> datetime:
    return timezone.now().astimezone(UTC)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _first_instrument(user: Any, proposal: str) -> tuple[str, str]:
    choices = compose_choices(user=user, proposal_id=proposal)
    first = next(iter(choices.instruments.values()), None)
    return (first.code, first.telescope_class) if first else ("", "")


def _initial_document(request: HttpRequest) -> tuple[Document, list[str]]:
    """What the page opens with: a draft, a clone, a TOM's target or a fresh group."""
    params = request.GET
    notices: list[str] = []
    if params.get("draft"):
        draft = drafts_visible_to(request.user).filter(pk=_int(params["draft"])).first()
        if draft is None:
            raise Http404("No such draft")
        notices.append(f"Opened the draft “{draft.title}”.")
        return _as_document(json.loads(draft.content)), notices
    if params.get("clone"):
        group = requestgroups_visible_to(request.user).filter(pk=_int(params["clone"])).first()
        if group is None:
            raise Http404("No such request group")
        notices.append(f"A copy of request group {group.pk}: change what you need and submit.")
        return documents.clone_of(render_request_group(group, list_shape=False)), notices
    proposals = compose_choices(user=request.user, proposal_id="").proposals
    proposal = proposals[0][0] if proposals else ""
    instrument_type, telescope_class = _first_instrument(request.user, proposal)
    document = documents.blank_group(
        now=_now(),
        proposal=proposal,
        instrument_type=instrument_type,
        telescope_class=telescope_class,
    )
    target = tom.target_from_tom(params)
    if target is not None:
        document["requests"][0]["configurations"][0]["target"] = target
        document["name"] = str(target.get("name", ""))[:50]
    return document, notices


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404("Not a number") from None


def _as_document(content: Any) -> Document:
    """A draft's content: our documents, or a group in the API's shape from another client."""
    if isinstance(content, dict) and "requests" in content:
        return documents.clone_of(content) if "id" in content else content
    return documents.blank_group(now=_now())


def _redirect_uri(request: HttpRequest) -> tuple[str, str]:
    """``(uri, warning)``: the TOM's ``redirect_uri`` when allowed, else a warning to show."""
    uri = (request.POST.get("redirect_uri") or request.GET.get("redirect_uri") or "").strip()
    if not uri:
        return "", ""
    if tom.redirect_allowed(uri):
        return uri, ""
    return "", (
        "This observatory does not send people back to that address after a submission; you "
        "will stay here. (Its administrators can allow it in OCS_COMPOSE_REDIRECT_ORIGINS.)"
    )


def _judge(document: Document, user: Any) -> tuple[GroupValidation, Feedback]:
    validation = requestgroup_validate(data=document, user=user)
    return validation, feedback_for(document, validation)


def _context(
    request: HttpRequest,
    document: Document,
    feedback: Feedback,
    *,
    notices: list[str] | None = None,
    problems: list[str] | None = None,
) -> dict[str, Any]:
    choices = compose_choices(user=request.user, proposal_id=str(document.get("proposal", "")))
    redirect_uri, redirect_warning = _redirect_uri(request)
    return {
        "form": build_form(document, choices, feedback.errors, feedback.durations),
        "feedback": feedback,
        "feedback_json": feedback.as_json(),
        "document_json": json.dumps(document, indent=2),
        "notices": notices or [],
        "problems": problems or [],
        "redirect_uri": redirect_uri,
        "redirect_warning": redirect_warning,
        "drafts": list(drafts_visible_to(request.user).filter(author_id=request.user.pk)[:20]),
        "draft_id": request.POST.get("draft_id") or request.GET.get("draft") or "",
        "has_instruments": bool(choices.instruments),
        "has_proposals": bool(choices.proposals),
    }


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST: submit; a refused submission shows the page as it was typed."""
    if request.method == "GET":
        document, notices = _initial_document(request)
        _follow_instrument(document, request.user)
        _validation, feedback = _judge(document, request.user)
        fresh = not notices and not request.GET.get("target_name")
        if fresh:
            feedback.errors = {}  # a page nobody has typed in yet does not scold
        context = _context(request, document, feedback, notices=notices)
        context["fresh"] = fresh
        return render(request, "requestgroups/compose.html", context)
    document = documents.document_from_form(request.POST)
    validation, feedback = _judge(document, request.user)
    if validation.validated_data is None:
        context = _context(
            request,
            document,
            feedback,
            problems=[
                "The request group was not submitted: please correct the fields marked below."
            ],
        )
        return render(request, "requestgroups/compose.html", context, status=400)
    group = services.requestgroup_submit(data=validation.validated_data, user=request.user)
    redirect_uri, _warning = _redirect_uri(request)
    if redirect_uri:
        return HttpResponseRedirect(tom.redirect_after_submit(redirect_uri, group.pk))
    messages.success(request, f"Request group {group.pk} “{group.name}” was submitted.")
    return HttpResponseRedirect(_group_page(group.pk))


def _group_page(group_id: int) -> str:
    """The group's page when this deployment serves one, else a fresh Compose page that says
    the group was submitted."""
    compose_url = reverse("compose")
    candidate = compose_url[: compose_url.rindex("create")] + f"requestgroups/{group_id}/"
    try:
        resolve(candidate)
    except Resolver404:
        return compose_url + f"?submitted={group_id}"
    return candidate


@login_required
@require_POST
def compose_validate(request: HttpRequest) -> HttpResponse:
    """The live check while typing: errors by field, durations and the JSON panel."""
    document = documents.document_from_form(request.POST)
    _validation, feedback = _judge(document, request.user)
    context = {
        "feedback": feedback,
        "feedback_json": feedback.as_json(),
        "document_json": json.dumps(document, indent=2),
    }
    return render(request, "requestgroups/compose/_feedback.html", context)


@login_required
@require_POST
def compose_form(request: HttpRequest) -> HttpResponse:
    """Redraw the form after a change of structure (add or remove an item, another instrument,
    a name to look up, elements to read, a pattern or cadence to expand)."""
    document = documents.document_from_form(request.POST)
    action = request.POST.get("action", "")
    notices: list[str] = []
    problems: list[str] = []
    verb, _, path = action.partition(":")
    if verb in ("add", "remove"):
        document = documents.apply_action(document, action, now=_now())
        if action == "add:requests" and document.get("operator") == "SINGLE":
            document["operator"] = "MANY"  # a SINGLE group has exactly one request
            notices.append(
                "With several requests the group asks for any of them to be observed (many)."
            )
    elif verb == "resolve":
        _resolve(document, path, notices, problems)
    elif verb == "mpc":
        _read_mpc(request, document, path, notices, problems)
    elif verb in ("dither", "mosaic", "cadence"):
        document = _expand(request, document, verb, path, notices, problems)
    _follow_instrument(document, request.user)
    _validation, feedback = _judge(document, request.user)
    context = _context(request, document, feedback, notices=notices, problems=problems)
    return render(request, "requestgroups/compose/_form_response.html", context)


def _follow_instrument(document: Document, user: Any) -> None:
    """Keep each configuration's type and modes among those its instrument offers."""
    choices = compose_choices(user=user, proposal_id=str(document.get("proposal", "")))
    for request in document.get("requests", []):
        location = request.setdefault("location", {})
        for configuration in request.get("configurations", []):
            instrument = choices.instrument(str(configuration.get("instrument_type", "")))
            if instrument is None:
                continue
            offered_types = [code for code, _ in instrument.configuration_types]
            if configuration.get("type") not in offered_types and offered_types:
                configuration["type"] = instrument.default_configuration_type or offered_types[0]
            location["telescope_class"] = instrument.telescope_class  # the instrument's class
            for ic in configuration.get("instrument_configs", []):
                elements = ic.setdefault("optical_elements", {})
                for group in list(elements):
                    if group not in instrument.optical_element_groups:
                        del elements[group]
                for group, options in instrument.optical_element_groups.items():
                    if options and elements.get(group) not in {code for code, _ in options}:
                        default = instrument.default_optical_elements.get(group)
                        elements[group] = default or options[0][0]
                if ic.get("mode") and ic["mode"] not in {
                    code for code, _ in instrument.readout_modes
                }:
                    ic.pop("mode")
        _follow_location(location, request, choices)


def _follow_location(location: Document, request: Document, choices: ComposeChoices) -> None:
    """Drop a site, enclosure or telescope that does not host the request's instruments (or
    lies outside the level above it), so that the choices offered and the value agree."""
    types = [str(c.get("instrument_type") or "") for c in request.get("configurations", [])]
    offered = choices.locations(types, location)
    levels = (
        ("site", offered.sites),
        ("enclosure", offered.enclosures),
        ("telescope", offered.telescopes),
    )
    dropping = False
    for key, options in levels:
        if dropping or (location.get(key) and location[key] not in {c for c, _ in options}):
            dropping = True
            location.pop(key, None)


def _node(document: Document, path: str) -> Any:
    node: Any = document
    for part in [p for p in path.split(".") if p]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _resolve(document: Document, path: str, notices: list[str], problems: list[str]) -> None:
    try:
        target = _node(document, path)
    except (KeyError, IndexError, ValueError, TypeError):
        return  # a stale button
    if not isinstance(target, dict):
        return
    name = str(target.get("name", "")).strip()
    found = target_resolve(name)
    if found is None:
        problems.append(f"No catalogue on this server knows “{name}”: please type its coordinates.")
        return
    target.update({"type": "ICRS", **found.as_target()})
    notices.append(f"“{name}” is {found.name} in {found.source}: its coordinates are filled in.")


def _read_mpc(
    request: HttpRequest, document: Document, path: str, notices: list[str], problems: list[str]
) -> None:
    text = request.POST.get(f"mpc.{path}", "")
    try:
        target = _node(document, path)
    except (KeyError, IndexError, ValueError, TypeError):
        return  # a stale button
    if not isinstance(target, dict):
        return
    try:
        elements = elements_from_mpc(text)
    except MpcElementsError as error:
        problems.append(str(error))
        return
    target.clear()
    target.update(elements)
    notices.append(f"Read the orbital elements of {elements['name']}.")


def _pattern_parameters(request: HttpRequest, path: str, kind: str = "pattern") -> dict[str, Any]:
    """The ``<kind>.<path>.<key>`` inputs of a pattern or cadence panel (not in the document)."""
    prefix = f"{kind}.{path}."
    parameters: dict[str, Any] = {}
    for name in request.POST:
        value = str(request.POST.get(name, ""))
        if name.startswith(prefix) and value.strip() != "":
            key = name[len(prefix) :]
            parameters[key] = value.strip() == "true" if key == "center" else value.strip()
    return parameters


def _expand(
    request: HttpRequest,
    document: Document,
    verb: str,
    path: str,
    notices: list[str],
    problems: list[str],
) -> Document:
    ocs = ValidationContext(user=request.user)
    parameters = _pattern_parameters(request, path, "cadence" if verb == "cadence" else "pattern")
    try:
        if verb == "dither":
            configuration = _node(document, path)
            expanded = expansion.expand_dither({**parameters, "configuration": configuration}, ocs)
            configuration.clear()
            configuration.update(expanded)
            notices.append(
                f"The exposures now repeat at {_count_offsets(parameters)} dither positions."
            )
        elif verb == "mosaic":
            request_node = _node(document, path)
            expanded = expansion.expand_mosaic({**parameters, "request": request_node}, ocs)
            request_node.clear()
            request_node.update(expanded)
            notices.append(
                "The request now has one configuration per mosaic pointing "
                f"({len(expanded['configurations'])})."
            )
        else:
            request_node = _node(document, path)
            single = {
                **document,
                "requests": [{**request_node, "windows": [], "cadence": parameters}],
            }
            single["requests"][0].pop("windows")
            expanded = expansion.expand_cadence(single, ocs)
            document = {**document, "requests": expanded["requests"], "operator": "MANY"}
            notices.append(
                f"The cadence gave {len(expanded['requests'])} requests "
                "(any one of them may be observed)."
            )
    except serializers.ValidationError as error:
        for where, messages_ in flatten_errors(error.detail).items():
            problems.append(
                f"{where or verb}: {' '.join(messages_)}" if where else " ".join(messages_)
            )
    except expansion.NoVisibleCadenceError as error:
        problems.append(error.message)
    except (KeyError, IndexError, ValueError, TypeError):
        problems.append(f"Could not expand the {verb}: please check its parameters.")
    return document


def _count_offsets(parameters: dict[str, Any]) -> str:
    try:
        return str(len(expansion.offsets_for(_validated_pattern(parameters))))
    except (serializers.ValidationError, KeyError, ValueError):
        return "the"


def _validated_pattern(parameters: dict[str, Any]) -> dict[str, Any]:
    serializer = expansion.PatternSerializer(data=parameters)
    serializer.is_valid(raise_exception=True)
    attrs = dict(serializer.validated_data)
    attrs.setdefault("point_spacing", float(parameters.get("point_spacing", 0) or 0))
    return attrs


@login_required
@require_POST
def compose_pattern(request: HttpRequest) -> HttpResponse:
    """A preview plot of the dither or mosaic pattern being set up at ``at``."""
    path = request.POST.get("at", "")
    parameters = _pattern_parameters(request, path)
    figure = None
    problem = ""
    try:
        offsets = expansion.offsets_for(_validated_pattern(parameters))
        figure = pattern_figure(
            offsets, title=f"{parameters.get('pattern', '')} pattern: {len(offsets)} pointings"
        )
    except serializers.ValidationError as error:
        problem = " ".join(m for ms in flatten_errors(error.detail).values() for m in ms)
    except (KeyError, ValueError):
        problem = "Give the pattern's spacing to see it."
    return render(
        request,
        "requestgroups/compose/_pattern.html",
        {"figure": figure, "problem": problem, "at": path},
    )


@login_required
@require_POST
def compose_visibility(request: HttpRequest) -> HttpResponse:
    """The airmass plot of every request of the posted form on one time axis, or of one request
    (``plot_request``: ``all`` or a request's index)."""
    document = documents.document_from_form(request.POST)
    requests = document.get("requests", [])
    chosen = request.POST.get("plot_request", "all") or "all"
    indexes = list(range(len(requests))) if chosen == "all" else [_int(chosen)]
    indexes = [i for i in indexes if 0 <= i < len(requests)]
    ocs = ValidationContext(user=request.user)
    valid: list[tuple[int, dict[str, Any]]] = []
    waiting: list[int] = []
    for index in indexes:
        serializer = RequestSerializer(data=requests[index], context={"ocs": ocs})
        if serializer.is_valid():
            valid.append((index + 1, serializer.validated_data))
        else:
            waiting.append(index + 1)
    figure = group_visibility_figure(valid, ocs) if valid else None
    problem = ""
    if figure is None and valid:
        problem = "No telescope that could take these requests sees their targets in their windows."
    elif figure is None and indexes:
        problem = "The plot appears when the request's target, windows and instrument are valid."
    elif waiting:
        numbers = ", ".join(str(n) for n in waiting)
        problem = (
            f"Request{'s' if len(waiting) > 1 else ''} {numbers} will be drawn when "
            "its target, windows and instrument are valid."
        )
    return render(
        request,
        "requestgroups/compose/_visibility.html",
        {
            "figure": figure,
            "problem": problem,
            "plot_request": chosen,
            "request_numbers": [(str(i), i + 1) for i in range(len(requests))],
            "several": len(valid) > 1,
        },
    )


@login_required
@require_POST
def compose_draft(request: HttpRequest) -> HttpResponse:
    """Save the form as a draft (through the drafts API's serializer) and reopen it."""
    document = documents.document_from_form(request.POST)
    title = (request.POST.get("draft_title") or document.get("name") or "Untitled").strip()[:50]
    existing = (
        drafts_visible_to(request.user)
        .filter(author_id=request.user.pk, pk=_int(request.POST["draft_id"]))
        .first()
        if request.POST.get("draft_id")
        else None
    )
    if existing is not None and existing.title != title:
        existing = None  # a new title saves a new draft
    serializer = DraftSerializer(
        instance=existing,
        data={
            "proposal": document.get("proposal"),
            "title": title,
            "content": json.dumps(document),
        },
        context={"request": request},
    )
    if not serializer.is_valid():
        errors = flatten_errors(serializer.errors)
        _validation, feedback = _judge(document, request.user)
        problems = [f"The draft was not saved: {' '.join(m for ms in errors.values() for m in ms)}"]
        return render(
            request,
            "requestgroups/compose.html",
            _context(request, document, feedback, problems=problems),
            status=400,
        )
    draft = serializer.save(author=request.user)
    messages.success(request, f"Saved the draft “{draft.title}”.")
    return HttpResponseRedirect(reverse("compose") + f"?draft={draft.pk}")


@login_required
@require_GET
def compose_resolve(request: HttpRequest) -> HttpResponse:
    """``?name=`` → the position as JSON, for scripts and the page alike."""
    found = target_resolve(request.GET.get("name", ""))
    if found is None:
        return HttpResponse(
            json.dumps({"detail": "Name not found"}), status=404, content_type="application/json"
        )
    body = {"name": found.name, "source": found.source, **found.as_target()}
    return HttpResponse(json.dumps(body), content_type="application/json")
