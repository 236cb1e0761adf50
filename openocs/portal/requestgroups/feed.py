"""The scheduler's request feed: ``GET /api/requestgroups/schedulable_requests/`` (§10.7)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.utils import encoders

from openocs.portal.requestgroups.documents import group_fields
from openocs.portal.requestgroups.selectors import schedulable_request_groups

_ENCODER = encoders.JSONEncoder()


def _parse(value: str | None, field: str) -> tuple[object, dict[str, list[str]] | None]:
    if not value:
        return None, None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is not None:
            from datetime import UTC, datetime, time

            parsed = datetime.combine(day, time(0), tzinfo=UTC)
    if parsed is None:
        return None, {field: ["Enter a valid date/time."]}
    from datetime import UTC

    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC), None
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return parsed.astimezone(UTC), None
    except OverflowError:  # the offset carries it out of years 1-9999 in UTC
        return None, {field: ["Enter a valid date/time."]}


def schedulable_requests_response(request: HttpRequest) -> Response:
    from openocs.portal.proposals.selectors import semester_containing

    params = request.query_params
    start, error = _parse(params.get("start"), "start")
    if error:
        return Response(error, status=400)
    end, error = _parse(params.get("end"), "end")
    if error:
        return Response(error, status=400)
    if start is None or end is None:
        semester = semester_containing(timezone.now())
        if semester is None:
            return Response([])
        start = start or semester.start
        end = end or semester.end
    groups = schedulable_request_groups(
        start=start,  # type: ignore[arg-type]
        end=end,  # type: ignore[arg-type]
        telescope_classes=params.getlist("telescope_class"),
    )
    body = []
    for row, documents in groups:
        body.append(
            {
                **group_fields(row),
                # as the JSON encoder writes a datetime, in text: the feed is then written by
                # orjson (openocs.web.renderers), which hands datetimes to the slow encoder
                "created": _ENCODER.default(row["created"]),
                "modified": _ENCODER.default(row["modified"]),
                "is_staff": row["submitter__is_staff"],
                "requests": documents,
            }
        )
    return Response(body)
