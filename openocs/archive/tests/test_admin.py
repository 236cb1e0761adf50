"""The admin lists frames and versions for staff, read-only, without N+1."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openocs.archive.models import Frame, Version

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def make_frame(index: int, *, level: int = 91, target: str = "M31") -> Frame:
    frame = Frame.objects.create(
        basename=f"lsc1m005-fa15-20300101-{index:04d}-e{level:02d}",
        observation_date=datetime(2030, 1, 1, 2, tzinfo=UTC),
        proposal_id="LCO2030A-001",
        instrument_id="fa15",
        target_name=target,
        reduction_level=level,
        site_id="lsc",
        telescope_id="1m0a",
        request_id=1000 + index,
    )
    Version.objects.create(frame=frame, key=f"k{index}", md5=f"{index:032d}", extension=".fits.fz")
    return frame


@pytest.mark.parametrize("url", ["/admin/archive/frame/", "/admin/archive/version/"])
def test_changelist_queries_do_not_grow_with_rows(admin_client, url):
    make_frame(0)
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    for index in range(1, 5):
        make_frame(index)
    with CaptureQueriesContext(connection) as five_rows:
        assert admin_client.get(url).status_code == 200
    assert len(five_rows) == len(one_row)


def test_change_pages_are_read_only(admin_client):
    frame = make_frame(0)
    version = frame.version_set.get()
    for url in (
        f"/admin/archive/frame/{frame.id}/change/",
        f"/admin/archive/version/{version.id}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(f"/admin/archive/frame/{frame.id}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "M31"}, {0, 2}),
        ({"reduction_level": "0"}, {2}),
        ({"reduction_level": "processed"}, {0, 1}),
        ({"q": "1001"}, {1}),
    ],
)
def test_search_and_filters(admin_client, query, expected):
    frames = [make_frame(0), make_frame(1, target="NGC 253"), make_frame(2, level=0)]
    page = admin_client.get("/admin/archive/frame/", query).content.decode()
    shown = {int(i) for i in re.findall(r"/admin/archive/frame/(\d+)/change/", page)}
    assert shown == {frames[index].id for index in expected}
