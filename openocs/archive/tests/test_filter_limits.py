"""Hostile filter values of ``GET frames/`` (and the archive page and aggregates, which read the
same selectors): each is a 400 naming the parameter, never a 500 and never unbounded work."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.archive.selectors import MAX_FILTER_LENGTH, MAX_FILTER_VALUES

pytestmark = pytest.mark.django_db

HOSTILE: list[tuple[str, Any]] = [
    ("basename", "x" * (MAX_FILTER_LENGTH + 1)),
    ("target_name", "M" * (MAX_FILTER_LENGTH + 1)),
    ("OBJECT", "M" * (MAX_FILTER_LENGTH + 1)),
    ("proposal_id", "P" * (MAX_FILTER_LENGTH + 1)),
    ("submitter", "s" * (MAX_FILTER_LENGTH + 1)),
    ("intersects", "POLYGON((" + "1 1," * 5000 + "1 1))"),
    ("include_configuration_type", ["EXPOSE"] * (MAX_FILTER_VALUES + 1)),
    ("request_id", "9" * 30),
    ("REQNUM", "-9" + "9" * 30),
    ("observation_id", "1e300"),
    ("id__gt", str(2**63)),
    ("RLEVEL", "99999999999999999999999"),
    ("start", "9999-12-31T23:00:00-05:00"),
    ("end", "0001-01-01T01:00:00+05:00"),
    ("DATE_OBS", "9999-12-31T23:59:59-10:00"),
    ("L1PUBDAT", "0001-01-01T00:00:00+14:00"),
    ("cone", "10,95,1"),
    ("cone", "10,20,-1"),
    ("cone", "10,20,200"),
    ("dec", "-91"),
    ("EXPTIME", "1e400"),
]


@pytest.mark.parametrize(("name", "value"), HOSTILE, ids=[f"{n}" for n, _ in HOSTILE])
def test_a_hostile_filter_is_a_400_naming_it(anonymous: Any, name: str, value: Any) -> None:
    params: dict[str, Any] = {name: value}
    if name == "dec":
        params.update(ra="10", radius="1")
    response = anonymous.get("/archive/frames/", params)
    assert response.status_code == 400, (response.status_code, response.content[:300])
    # A cone is named by the part that is wrong.
    named = {"cone", "ra", "dec", "radius"} if name in ("cone", "dec") else {name}
    assert named & set(response.json()), response.json()


def test_filters_within_the_limits_still_work(anonymous: Any) -> None:
    response = anonymous.get(
        "/archive/frames/",
        {
            "basename": "x" * MAX_FILTER_LENGTH,
            "include_configuration_type": ["EXPOSE"] * MAX_FILTER_VALUES,
            "request_id": str(2**63 - 1),
            "start": "9999-12-31T00:00:00Z",
        },
    )
    assert response.status_code == 200, response.content[:300]
