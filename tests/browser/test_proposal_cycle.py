"""The proposal cycle in a browser: a PI writes, saves, comes back, uploads a PDF (a too-long one
is refused naming the limit) and submits; a reviewer grades it; staff see the ranking and accept
it into a proposal, and the applicant's e-mail is in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core import mail

from openocs.portal.sciapplications.tests.pdfs import make_pdf
from tests.browser.conftest import assert_accessible, login, make_user, screenshot

SINISTRO = "1M0-SCICAM-SINISTRO"


def open_call() -> Any:
    from openocs.portal.proposals.models import Semester
    from openocs.portal.sciapplications.models import Call

    semester = Semester.objects.order_by("-start").first()
    assert semester is not None
    now = datetime.now(UTC)
    call = Call.objects.create(
        semester=semester,
        opens=now - timedelta(days=3),
        deadline=now + timedelta(days=30),
        instruments=[SINISTRO, "2M0-FLOYDS-SCICAM"],
        proposal_type=Call.SCI,
        eligibility_short="Astronomers of the member institutions.",
    )
    call.eligible_semesters.add(semester)
    return call


def make_staff(username: str) -> str:
    from django.contrib.auth import get_user_model

    password = make_user(username)
    get_user_model().objects.filter(username=username).update(is_staff=True)
    return password


def sign_in_as(page: Any, username: str, password: str | None = None) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def pdf_file(tmp_path: Path, name: str, pages: list[str]) -> str:
    path = tmp_path / name
    path.write_bytes(make_pdf(pages))
    return str(path)


def test_a_pi_applies_a_reviewer_grades_and_staff_accept(
    page: Any, demo: dict[str, str], tmp_path: Path
) -> None:
    call = open_call()
    reviewer_password = make_user("rhea")
    staff_password = make_staff("opal")

    # the PI finds the open call and starts an application
    login(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calls").click()
    assert page.get_by_role("heading", name="Calls for proposals", level=1).is_visible()
    assert page.get_by_text(SINISTRO).first.is_visible()
    screenshot(page, "calls")
    assert_accessible(page)
    page.get_by_role("link", name="Start an application").click()
    page.get_by_label("Title").fill("Kilonovae in the southern sky")
    page.get_by_label("Abstract").fill("We follow gravitational-wave alerts to find kilonovae.")
    page.get_by_label("Target list").fill("NGC 4993, 13:09:47.7, -23:23:02\nM31, 10.6847, 41.2687")
    page.get_by_label("Standard hours of time request 1").fill("12")
    page.get_by_label("Time-critical hours of time request 1").fill("3")
    page.get_by_role("button", name="Add a time request").click()
    page.get_by_label("Instrument of time request 2").select_option("2M0-FLOYDS-SCICAM")
    page.get_by_label("Standard hours of time request 2").fill("4")
    page.get_by_label("E-mail of co-investigator 1").fill("bob@example.org")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Your draft is saved").is_visible()
    application_url = page.url

    # ... comes back later from the list of their applications
    page.get_by_role("link", name="Your applications").click()
    row = page.get_by_role("row", name="Kilonovae in the southern sky")
    assert row.get_by_text("Draft").is_visible()
    assert_accessible(page)
    row.get_by_role("link", name="Kilonovae in the southern sky").click()
    assert page.url == application_url
    assert page.get_by_label("Standard hours of time request 1").input_value() == "12.0"
    assert "NGC 4993" in page.get_by_label("Target list").input_value()
    assert page.get_by_label("Instrument of time request 2").input_value() == "2M0-FLOYDS-SCICAM"

    # a PDF over the page limit is refused, naming the limit, and nothing is saved
    page.get_by_label("Scientific justification (PDF)").set_input_files(
        pdf_file(tmp_path, "long.pdf", [f"page {n}" for n in range(11)])
    )
    page.get_by_label("Title").fill("A title that must not be saved")
    page.get_by_role("button", name="Save draft").click()
    error = page.locator("#id_pdf-error")
    assert error.inner_text() == "The PDF has 11 pages; the limit is 10 pages."
    assert (
        page.get_by_label("Scientific justification (PDF)").get_attribute("aria-invalid") == "true"
    )
    screenshot(page, "application-form")
    assert_accessible(page)

    # the right PDF, and submit
    page.get_by_label("Title").fill("Kilonovae in the southern sky")
    page.get_by_label("Scientific justification (PDF)").set_input_files(
        pdf_file(
            tmp_path, "science.pdf", ["Kilonovae are the glow of neutron-star mergers.", "Plan"]
        )
    )
    page.get_by_role("button", name="Submit to the committee").click()
    assert page.get_by_text("Your application is submitted").is_visible()
    assert page.get_by_role("heading", level=1).get_by_text("Submitted").is_visible()
    assert page.get_by_text("2 pages, 8 words").is_visible()
    assert page.get_by_role("cell", name="NGC 4993").is_visible()
    screenshot(page, "application")
    assert_accessible(page)

    # staff ask a reviewer
    sign_in_as(page, "opal", staff_password)
    page.goto("/calls/")
    page.get_by_role("link", name="Ranking").first.click()
    page.get_by_role("link", name="Kilonovae in the southern sky").click()
    page.get_by_label("Reviewer's username or e-mail").fill("alice")
    page.get_by_role("button", name="Assign reviewer").click()
    assert (
        page.locator("#id_reviewer-error").inner_text() == "alice is an author of this application."
    )
    page.get_by_label("Reviewer's username or e-mail").fill("rhea@example.org")
    page.get_by_role("button", name="Assign reviewer").click()
    assert page.get_by_text("rhea is asked to review it").is_visible()

    # the reviewer reads the PDF and grades
    sign_in_as(page, "rhea", reviewer_password)
    page.goto("/calls/")
    page.get_by_role("link", name="Your reviews").click()
    assert_accessible(page)
    page.get_by_role("link", name="Kilonovae in the southern sky").click()
    pdf = page.request.get(
        page.get_by_role("link", name="Read the PDF").first.get_attribute("href")
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    page.get_by_role("button", name="Record the review").click()
    assert page.locator("#grade-error").inner_text() == "This field is required."
    page.get_by_label("2 — excellent").check()
    page.get_by_label("Comments").fill("A sharp plan; the target list is realistic.")
    screenshot(page, "review")
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    assert page.get_by_text("Your grade and comments are recorded").is_visible()
    assert page.get_by_role("row", name="Kilonovae").get_by_text("2 — excellent").is_visible()

    # staff see the ranking and accept the application into a proposal
    sign_in_as(page, "opal", staff_password)
    page.goto(f"/calls/{call.pk}/ranking")
    row = page.get_by_role("row", name="Kilonovae in the southern sky")
    assert row.get_by_role("cell", name="2.00").is_visible()
    screenshot(page, "ranking")
    assert_accessible(page)
    row.get_by_role("link", name="Kilonovae in the southern sky").click()
    assert page.get_by_role("cell", name="A sharp plan", exact=False).is_visible()
    assert page.get_by_label("Rank").input_value() == "1"
    screenshot(page, "application-decision")
    assert_accessible(page)
    mail.outbox.clear()
    page.get_by_role("button", name="Accept into a proposal").click()
    proposal_id = f"LCO{call.semester_id}-001"
    assert page.get_by_text(f"Accepted: the proposal {proposal_id} is created").is_visible()
    assert page.get_by_role("heading", level=1).get_by_text("Ported").is_visible()
    accepted = [m for m in mail.outbox if "is accepted" in m.subject]
    assert [m.to for m in accepted] == [["alice@example.org"]]
    assert proposal_id in accepted[0].body and "12 h standard" in accepted[0].body

    # the PI sees the outcome
    sign_in_as(page, "alice")
    page.goto("/applications/")
    row = page.get_by_role("row", name="Kilonovae in the southern sky")
    assert row.get_by_text("Ported").is_visible()
    assert row.get_by_role("link", name=proposal_id).is_visible()
