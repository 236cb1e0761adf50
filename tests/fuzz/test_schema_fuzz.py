"""Property-based fuzzing of the whole OpenAPI schema (issue 14), in process over WSGI.

Schemathesis generates requests from ``/api/schema/`` for every operation, sent with a staff
token and with a proposal member's token; the test fails on any 5xx and on any response whose
status, content type or body the schema does not describe. The number of examples per
operation and token is ``OCS_FUZZ_EXAMPLES`` (default 3: a few minutes in CI on 2 cores); the
examples are derandomized so a failure reproduces. ``OCS_FUZZ_MODES`` (default
``positive,negative``) chooses valid requests, checked against the whole schema, and invalid
ones, for which only a 5xx fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

EXAMPLES = int(os.environ.get("OCS_FUZZ_EXAMPLES", "3"))
# "positive" (valid requests; CI) and/or "negative" (invalid ones: only 5xx fail, since an
# invalid request may get any documented 4xx).
MODES = os.environ.get("OCS_FUZZ_MODES", "positive,negative").split(",")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The operations, grouped by the first segments of their path so xdist can spread them.
GROUPS = [
    "/api/requestgroups",
    "/api/requests",
    "/api/observations",
    "/api/schedule",
    "/api/proposals",
    "/api/semesters",
    "/api/",
    "/configdb/",
    "/downtime/",
    "/archive/",
    "/frames/",
    "/o/",
    "/accounts/",
]


def _group_of(path: str) -> str:
    return next((group for group in GROUPS if path.startswith(group)), "other")


@pytest.fixture
def loaded_schema(transactional_db: Any) -> Iterator[Any]:
    from django.test import Client

    from openocs.web.clients import reset_clients

    reset_clients()
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = WSGIHandler()
    yield schema
    reset_clients()


@pytest.fixture
def tokens(transactional_db: Any) -> dict[str, str]:
    from datetime import UTC, datetime

    from click.testing import CliRunner

    from openocs.portal.accounts import services as accounts
    from openocs.portal.accounts.models import Profile
    from openocs.portal.proposals import services as proposals
    from openocs.portal.proposals.models import Membership
    from openocs.server.cli import main as ocs

    result = CliRunner().invoke(ocs, ["loaddemo"])
    assert result.exit_code == 0, result.output
    semester = proposals.semester_create(
        semester_id="2030A",
        start=datetime(2030, 1, 1, tzinfo=UTC),
        end=datetime(2030, 7, 1, tzinfo=UTC),
    )
    proposal = proposals.proposal_create(proposal_id="FUZZ-001", title="Fuzzing")
    del semester
    member = accounts.user_create(
        username="fuzz-member",
        email="member@example.org",
        password="fuzz-member-password-1",
        first_name="Fuzz",
        last_name="Member",
        terms_accepted=None,
    )
    Membership.objects.create(proposal=proposal, user=member, role=Membership.PI)
    staff = accounts.user_create(
        username="fuzz-staff",
        email="staff@example.org",
        password="fuzz-staff-password-1",
        first_name="Fuzz",
        last_name="Staff",
        terms_accepted=None,
    )
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    Profile.objects.filter(user=staff).update(staff_view=True)
    return {
        "staff": accounts.api_token_get_or_create(user=staff).key,
        "member": accounts.api_token_get_or_create(user=member).key,
    }


@pytest.mark.parametrize("group", [*GROUPS, "other"])
def test_every_operation_answers_what_the_schema_says(
    loaded_schema: Any, tokens: dict[str, str], group: str
) -> None:
    failures: list[str] = []
    operations = [
        result.ok()
        for result in loaded_schema.get_all_operations()
        if _group_of(result.ok().path) == group
    ]
    runs = [(role, token, mode) for role, token in tokens.items() for mode in MODES]
    for operation in operations:
        for role, token, mode in runs:
            strategy = operation.as_strategy(
                GenerationMode(mode), headers={"Authorization": f"Token {token}"}
            )
            checks = CHECKS if mode == "positive" else [not_a_server_error]

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = case.call()
                case.validate_response(response, checks=checks)  # noqa: B023 - run at once

            try:
                run()
            except Unsatisfiable:
                # Negative mode on an operation with nothing to make invalid (no parameters,
                # no body): there is no invalid request to send.
                if mode == "positive":
                    raise
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"--- {role} {mode} {operation.label}:\n{error}"[:3000])
    assert not failures, "\n".join(failures)
