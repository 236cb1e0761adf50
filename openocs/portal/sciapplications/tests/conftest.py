"""Fixtures of the science-application tests: an open call, a draft, personas from proposals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import Semester
from openocs.portal.sciapplications import services
from openocs.portal.sciapplications.models import Call, ScienceApplication
from openocs.portal.sciapplications.tests.pdfs import make_pdf

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
SINISTRO = "1M0-SCICAM-SINISTRO"
FLOYDS = "2M0-FLOYDS-SCICAM"
PDF_BYTES = make_pdf(["Scientific justification: kilonovae in gravitational-wave fields."])


@pytest.fixture
def semester(db: Any) -> Semester:
    return Semester.objects.create(
        id="2026B", start=datetime(2026, 8, 1, tzinfo=UTC), end=datetime(2027, 2, 1, tzinfo=UTC)
    )


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_file(name: str = "science.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def call(semester: Semester) -> Call:
    call = Call.objects.create(
        semester=semester,
        opens=datetime(2026, 6, 1, tzinfo=UTC),
        deadline=datetime(2026, 7, 1, tzinfo=UTC),
        call_url="https://example.org/call",
        instruments=[SINISTRO, FLOYDS],
        proposal_type=Call.SCI,
    )
    call.eligible_semesters.add(semester)
    return call


@pytest.fixture
def applicant(make_persona: Any) -> Persona:
    persona: Persona = make_persona("amy", institution="Example University")
    return persona


@pytest.fixture
def draft(applicant: Persona, call: Call, semester: Semester) -> ScienceApplication:
    return services.application_create(
        submitter=applicant.user,
        call=call,
        title="Kilonova hunting",
        fields={"abstract": "We look for kilonovae.", "tags": ["transients"]},
        timerequests=[
            {"semester": semester, "instrument_types": [SINISTRO], "std_time": 30.0, "tc_time": 2},
            {"semester": semester, "instrument_types": [FLOYDS], "std_time": 10.0},
        ],
        coinvestigators=[
            {"email": "ci-known@example.org", "first_name": "Kim", "last_name": "Known"},
            {"email": "ci-new@example.org", "first_name": "Nat", "last_name": "New"},
        ],
        pdf=pdf_file(),
    )
