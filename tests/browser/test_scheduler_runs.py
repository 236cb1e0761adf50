"""Staff see the scheduler's last runs and, in a run, each request left out with the reason the
scheduler gave and what took its place; the request's owner reads that explanation on the
request's page (issues 15 and 12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.browser.conftest import assert_accessible, login, make_user, screenshot, submit_group


def make_staff(username: str) -> str:
    from django.contrib.auth import get_user_model

    from openocs.portal.accounts.models import Profile

    password = make_user(username)
    get_user_model().objects.filter(username=username).update(is_staff=True)
    Profile.objects.filter(user__username=username).update(staff_view=True)
    return password


def report_runs(now: datetime) -> tuple[int, int, int]:
    """Two runs as the daemon reports them (an older one that failed); the latest leaves one
    of alice's requests out for a higher-priority one and another out for downtime. Returns
    (the run, the left-out request, the request that took its place)."""
    from openocs.portal.schedulerruns import services
    from openocs.portal.schedulerruns.serializers import RunReportSerializer

    winner = submit_group("alice", "Supernova follow-up").requests.get().pk
    loser = submit_group("alice", "Galaxy survey field 7").requests.get().pk
    blocked = submit_group("alice", "Comet monitoring").requests.get().pk

    def record(started: datetime, **body: Any) -> int:
        serializer = RunReportSerializer(
            data={
                "started": started.isoformat(),
                "ended": (started + timedelta(seconds=38)).isoformat(),
                "kernel": "cpsat",
                **body,
            }
        )
        assert serializer.is_valid(), serializer.errors
        return services.scheduler_run_record(report=serializer.validated_data).pk

    record(
        now - timedelta(hours=1),
        trigger="periodic replan",
        ok=False,
        error="downtime: the service did not answer (connection refused)",
    )
    run = record(
        now - timedelta(minutes=5),
        trigger="last_changed moved",
        requests_considered=3,
        requests_placed=1,
        requests_left_out=2,
        created=1,
        value=12.6,
        bound=12.9,
        gap=0.0233,
        passes=[
            {"name": "rapid_response", "kernel": "cpsat", "status": "OPTIMAL", "placed": 0},
            {
                "name": "normal",
                "kernel": "cpsat",
                "status": "FEASIBLE",
                "placed": 1,
                "value": 12.6,
                "bound": 12.9,
                "gap": 0.0233,
                "solve_time_s": 31.4,
            },
        ],
        left_out=[
            {
                "request": loser,
                "reason": "LOST_TO_HIGHER_PRIORITY",
                "reference_reason": "WasNotScheduled",
                "message": "lost to higher-priority work: its candidate time is taken by "
                f"request(s) {winner}",
                "competitors": [winner],
            },
            {
                "request": blocked,
                "reason": "BLOCKED_BY_DOWNTIME",
                "reference_reason": "RequestIsNotVisible",
                "message": "its visible time inside its windows is blocked by downtime",
            },
        ],
    )
    return run, loser, winner


def test_staff_see_a_run_and_why_a_request_was_left_out(page: Any, demo: dict[str, str]) -> None:
    run, loser, winner = report_runs(datetime.now(UTC))
    login(page, "opal", make_staff("opal"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scheduler runs").click()
    assert page.get_by_role("heading", name="Scheduler runs", level=1).is_visible()
    table = page.get_by_role("region", name="Scheduler runs")
    assert table.get_by_text("Failed").is_visible()
    assert table.get_by_text("2.33%").is_visible()
    screenshot(page, "scheduler-runs")
    assert_accessible(page)

    table.get_by_role("link", name=f"Run {run}").click()
    page.wait_for_url(f"**/scheduler/runs/{run}/")
    assert page.get_by_role("heading", name=f"Run {run}").is_visible()
    row = page.locator(f'tr[data-request="{loser}"]')
    assert row.get_by_text("Lost to higher priority").is_visible()
    assert row.get_by_text("Galaxy survey field 7").is_visible()
    assert row.get_by_role("link", name=str(winner)).is_visible()  # what took its place
    screenshot(page, "scheduler-run")
    assert_accessible(page)

    page.get_by_role("link", name="Downtime 1").click()  # the reason filter
    assert page.locator(f'tr[data-request="{loser}"]').count() == 0
    assert page.get_by_text("blocked by downtime").is_visible()

    page.get_by_role("link", name="All 2").click()
    page.locator(f'tr[data-request="{loser}"]').get_by_role("link", name=f"Request {loser}").click()
    page.wait_for_url(f"**/requests/{loser}/")
    assert page.get_by_text("Scheduler's words").is_visible()


def test_the_owner_reads_the_explanation_on_the_request_page(
    page: Any, demo: dict[str, str]
) -> None:
    _, loser, winner = report_runs(datetime.now(UTC))
    login(page, "alice")
    page.goto(f"/requests/{loser}/")
    panel = page.get_by_role("note", name="Why it is not scheduled yet")
    assert panel.get_by_text("Lost to higher priority").is_visible()
    assert panel.get_by_role("link", name=f"request {winner}").is_visible()
    assert panel.get_by_text("Scheduler's words").count() == 0  # staff only
    screenshot(page, "request-explanation")
    assert_accessible(page)


def test_people_who_are_not_staff_do_not_find_the_scheduler_pages(
    page: Any, demo: dict[str, str]
) -> None:
    login(page, "alice")
    main = page.get_by_role("navigation", name="Main")
    assert main.get_by_role("link", name="Scheduler runs").count() == 0
    assert page.goto("/scheduler/").status == 404
