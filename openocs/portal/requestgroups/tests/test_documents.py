"""The row renderers of ``documents`` give byte for byte the JSON of the instance renderers of
``serializers`` (the reference), on groups that use every part of the request language: each
target type, several configurations and instrument configs, windows out of order, constraints
with and without optional values, regions of interest, repeat configurations, locations down to
a telescope, suspensions and extra_params everywhere (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.fields import DateTimeField
from rest_framework.renderers import JSONRenderer

from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import Proposal
from openocs.portal.requestgroups import documents
from openocs.portal.requestgroups import models as m
from openocs.portal.requestgroups.selectors import requestgroups_with_children, requests_visible_to
from openocs.portal.requestgroups.serializers import (
    datetime_text,
    render_request,
    render_request_group,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

TARGETS: list[dict[str, Any]] = [
    {"type": "ICRS", "name": "m31", "ra": 10.684, "dec": 41.269, "epoch": 2000.0},
    {
        "type": "ICRS",
        "name": "barnard",
        "ra": 269.452,
        "dec": 4.693,
        "proper_motion_ra": -798.58,
        "proper_motion_dec": 10328.12,
        "parallax": 548.31,
        "epoch": 2000.0,
        "extra_params": {"v_magnitude": 9.5},
    },
    {"type": "HOUR_ANGLE", "name": "flat field", "hour_angle": 1.5, "dec": -30.0},
    {
        "type": "ORBITAL_ELEMENTS",
        "name": "ceres",
        "scheme": "MPC_MINOR_PLANET",
        "epochofel": 60000.0,
        "orbinc": 10.59,
        "longascnode": 80.3,
        "argofperih": 73.6,
        "meandist": 2.77,
        "eccentricity": 0.0785,
        "meananom": 291.4,
    },
    {
        "type": "ORBITAL_ELEMENTS",
        "name": "comet",
        "scheme": "",
        "epochofel": 60001.5,
        "orbinc": 120.0,
        "longascnode": 1.0,
        "argofperih": 2.0,
        "perihdist": 0.9,
        "eccentricity": 1.0004,
        "epochofperih": 60010.25,
    },
    {
        "type": "SATELLITE",
        "name": "iss",
        "altitude": 45.0,
        "azimuth": 180.0,
        "diff_altitude_rate": 0.1,
        "diff_azimuth_rate": -0.2,
        "diff_epoch": 60000.0,
        "diff_altitude_acceleration": 0.0,
        "diff_azimuth_acceleration": 0.001,
    },
]


def _group(proposal: Proposal, user: Any, index: int, requests: int) -> m.RequestGroup:
    group = m.RequestGroup.objects.create(
        submitter=user,
        proposal=proposal,
        name=f"group-{index}",
        observation_type=["NORMAL", "RAPID_RESPONSE", "TIME_CRITICAL", "DIRECT"][index % 4],
        operator="MANY" if requests > 1 else "SINGLE",
        ipp_value=1.05 + index / 10,
        state=["PENDING", "COMPLETED", "CANCELED"][index % 3],
    )
    for r in range(requests):
        k = index * 7 + r
        request = m.Request.objects.create(
            request_group=group,
            observation_note="" if k % 2 else f"note {k} ✓",
            state=["PENDING", "WINDOW_EXPIRED", "COMPLETED"][k % 3],
            acceptability_threshold=[90.0, 100.0, 12.5][k % 3],
            configuration_repeats=1 + k % 3,
            optimization_type=["TIME", "AIRMASS"][k % 2],
            extra_params={} if k % 3 else {"dither": {"points": 5}, "flag": True},
            suspend_until=START + timedelta(days=1, microseconds=k) if k % 4 == 1 else None,
            duration=600 + k,
        )
        if k % 5:
            m.Location.objects.create(
                request=request,
                telescope_class="1m0",
                site="lsc" if k % 5 > 1 else "",
                enclosure="domb" if k % 5 > 2 else "",
                telescope="1m0a" if k % 5 > 3 else "",
            )
        for w in range(1 + k % 3):  # created out of start order
            begin = START + timedelta(days=3 - w, seconds=17 * w, microseconds=123456 * (w % 2))
            m.Window.objects.create(request=request, start=begin, end=begin + timedelta(hours=5))
        for c in range(1 + k % 3):
            kind = ["EXPOSE", "REPEAT_EXPOSE", "SPECTRUM", "REPEAT_SPECTRUM"][(k + c) % 4]
            configuration = m.Configuration.objects.create(
                request=request,
                instrument_type="1M0-SCICAM-SINISTRO",
                type=kind,
                repeat_duration=250.5 if "REPEAT" in kind and c % 2 == 0 else None,
                extra_params={} if c else {"sub_expose": k},
                priority=3 - c if k % 2 else 1 + c,  # priorities in and out of creation order
            )
            target = dict(TARGETS[(k + c) % len(TARGETS)])
            m.Target.objects.create(configuration=configuration, **target)
            m.Constraints.objects.create(
                configuration=configuration,
                max_airmass=1.6 + c,
                max_seeing=2.5 if c % 2 else None,
                min_transparency=0.7 if k % 2 else None,
                extra_params={"x": [1, 2]} if c == 1 else {},
            )
            m.AcquisitionConfig.objects.create(
                configuration=configuration,
                mode=["OFF", "WCS", "BRIGHTEST"][c % 3],
                exposure_time=10.0 if c % 2 else None,
                extra_params={"acquire_radius": 5} if c == 2 else {},
            )
            m.GuidingConfig.objects.create(
                configuration=configuration,
                mode=["", "ON", "OFF"][c % 3],
                optional=bool(c % 2),
                optical_elements={"filter": "v"} if c else {},
                exposure_time=None if c % 2 else 5.0,
                extra_params={},
            )
            for i in range(1 + (k + c) % 3):
                m.InstrumentConfig.objects.create(
                    configuration=configuration,
                    optical_elements={"filter": ["rp", "v", "B"][i], "slit": "1.6"}
                    if i
                    else {"filter": "gp"},
                    mode=["full_frame", "central_2k_2x2", ""][i],
                    rotator_mode="SKY" if i == 1 else "",
                    exposure_time=[30.0, 0.5, 120.25][i],
                    exposure_count=1 + i,
                    extra_params={"defocus": 0.5} if i == 2 else {},
                    rois=[{"x1": 0, "x2": 100, "y1": 5, "y2": 50}] if i == 1 else [],
                )
    return group


@pytest.fixture
def groups(submitter: Persona, proposal: Proposal) -> list[int]:
    return [_group(proposal, submitter.user, i, 1 + i % 5).id for i in range(12)]


def _json(data: Any) -> bytes:
    return JSONRenderer().render(data)


@pytest.mark.parametrize("list_shape", [True, False])
def test_group_documents_are_the_instance_renderings_byte_for_byte(
    groups: list[int], list_shape: bool
) -> None:
    queryset = requestgroups_with_children().filter(pk__in=groups).order_by("-id")
    expected = [render_request_group(group, list_shape=list_shape) for group in queryset]
    rows = list(documents.group_rows(queryset))
    produced = documents.requestgroup_documents(rows, list_shape=list_shape)
    assert _json(produced) == _json(expected)
    assert len(expected) == 12


@pytest.mark.parametrize("list_shape", [True, False])
def test_request_documents_are_the_instance_renderings_byte_for_byte(
    groups: list[int], submitter: Persona, list_shape: bool
) -> None:
    queryset = requests_visible_to(submitter.user)
    expected = [render_request(request, list_shape=list_shape) for request in queryset]
    produced = documents.request_documents(
        list(documents.request_rows(queryset)), list_shape=list_shape
    )
    assert _json(produced) == _json(expected)
    assert len(expected) == 33


def test_the_api_serves_the_instance_renderings(groups: list[int], submitter: Persona) -> None:
    listed = submitter.client.get("/api/requestgroups/?limit=100&ordering=name")
    queryset = requestgroups_with_children().filter(pk__in=groups).order_by("name")
    expected = [render_request_group(group, list_shape=True) for group in queryset]
    assert _json(listed.json()["results"]) == _json(expected)
    group = requestgroups_with_children().get(pk=groups[3])
    detail = submitter.client.get(f"/api/requestgroups/{groups[3]}/")
    assert detail.content == _json(render_request_group(group, list_shape=False))
    request = requests_visible_to(submitter.user).filter(request_group_id=groups[4]).last()
    assert request is not None
    detail = submitter.client.get(f"/api/requests/{request.id}/")
    assert detail.content == _json(render_request(request, list_shape=False))


def test_a_group_without_requests_lists_with_none(submitter: Persona, proposal: Proposal) -> None:
    group = _group(proposal, submitter.user, 1, 0)
    rows = list(documents.group_rows(requestgroups_with_children().filter(pk=group.pk)))
    produced = documents.requestgroup_documents(rows, list_shape=True)
    assert produced[0]["requests"] == []


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 12, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/Santiago")),
        datetime(2026, 12, 1, 12, 0),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Australia/Sydney"])
def test_datetime_text_is_drfs_rendering(value: datetime, zone: str) -> None:
    with timezone.override(ZoneInfo(zone)):
        assert datetime_text(value) == DateTimeField().to_representation(value)
    assert datetime_text(None) is None


def test_the_feed_serves_the_instance_renderings(
    groups: list[int], submitter: Persona, make_persona: Any
) -> None:
    from openocs.portal.requestgroups.models import RequestGroup

    RequestGroup.objects.filter(pk__in=groups).update(state="PENDING", observation_type="NORMAL")
    staff = make_persona("ops", is_staff=True)
    response = staff.client.get(
        "/api/requestgroups/schedulable_requests/?start=2026-11-01&end=2026-12-31"
    )
    assert response.status_code == 200
    fed = [group["id"] for group in response.json()]
    assert len(fed) >= 6
    now = timezone.now()
    expected = [
        {
            "id": group.id,
            "submitter": group.submitter.username,
            "proposal": group.proposal_id,
            "name": group.name,
            "observation_type": group.observation_type,
            "operator": group.operator,
            "ipp_value": group.ipp_value,
            "state": group.state,
            "created": group.created,
            "modified": group.modified,
            "is_staff": group.submitter.is_staff,
            "requests": [
                render_request(r, list_shape=True)
                for r in group.requests.all()
                if r.suspend_until is None or r.suspend_until <= now
            ],
        }
        for group in requestgroups_with_children().filter(pk__in=fed).order_by("id")
    ]
    assert response.content == _json(expected)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2026-12-01 12:00:00.000000", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
        ("2026-12-01 12:00:00", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
        ("2026-12-01 12:00:00.000001", datetime(2026, 12, 1, 12, 0, 0, 1, tzinfo=UTC)),
        ("2026-06-30 23:59:59.999999", datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        ("0099-01-02 03:04:05.500000", datetime(99, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("2026-12-01T12:00:00.25", datetime(2026, 12, 1, 12, 0, 0, 250000, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Australia/Sydney"])
def test_a_times_utc_text_renders_as_drf_renders_the_time(
    raw: str, value: datetime, zone: str
) -> None:
    with timezone.override(ZoneInfo(zone)):
        current = timezone.get_current_timezone()
        utc = documents.utc_rendering(current)
        assert utc is (zone == "UTC")
        expected = DateTimeField().to_representation(value)
        assert documents.time_text(raw, current, utc) == expected
        assert documents.time_text(value, current, utc) == expected
        naive = value.replace(tzinfo=None)  # SQLite's driver may give the stored UTC time
        assert documents.time_text(naive, current, utc) == expected
        assert documents.time_text(None, current, utc) is None


@pytest.mark.parametrize("zone", ["UTC", "America/Santiago"])
def test_times_are_read_as_utc_text_byte_for_byte_in_any_time_zone(
    groups: list[int], zone: str
) -> None:
    m.Window.objects.filter(request__request_group_id=groups[0]).update(
        start=START + timedelta(microseconds=250), end=START + timedelta(days=2, microseconds=1)
    )
    m.Request.objects.filter(request_group_id=groups[1]).update(
        suspend_until=START + timedelta(seconds=1, microseconds=999999)
    )
    with timezone.override(ZoneInfo(zone)):
        queryset = requestgroups_with_children().filter(pk__in=groups).order_by("id")
        expected = [render_request_group(group, list_shape=False) for group in queryset]
        rows = list(documents.group_rows(queryset))
        produced = documents.requestgroup_documents(rows, list_shape=False)
    assert all(isinstance(row["t_created"], str) for row in rows)  # text, not parsed times
    assert _json(produced) == _json(expected)
    assert ".000250Z" in _json(produced).decode() or zone != "UTC"


def test_any_of_selects_what_in_selects(groups: list[int]) -> None:
    for ids in ([], groups[:1], groups[2:7], [*groups, 10**12]):
        by_any = m.Window.objects.filter(request__request_group_id__any_of=ids)
        by_in = m.Window.objects.filter(request__request_group_id__in=ids)
        assert sorted(by_any.values_list("id", flat=True)) == sorted(
            by_in.values_list("id", flat=True)
        )
        requests = m.Request.objects.filter(request_group_id__any_of=ids).count()
        assert requests == m.Request.objects.filter(request_group_id__in=ids).count()
    assert m.Request.objects.filter(request_group_id__any_of=groups).count() > len(groups)
