"""The Compose page through HTTP, as a browser posts it (``/create`` and its live parts)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory
from openocs.portal.requestgroups.models import Draft, RequestGroup
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group

pytestmark = pytest.mark.django_db


def form_items(node: Any, path: str = "") -> list[tuple[str, str]]:
    """The document as the page's inputs post it (``g.<path>`` = text)."""
    if isinstance(node, dict):
        return [
            item
            for key, value in node.items()
            for item in form_items(value, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(node, list):
        return [
            item
            for index, value in enumerate(node)
            for item in form_items(value, f"{path}.{index}")
        ]
    if node is None:
        return []
    return [(f"g.{path}", str(node).lower() if isinstance(node, bool) else str(node))]


def post_form(client: Client, url: str, document: dict[str, Any], **extra: str) -> Any:
    data = dict(form_items(document)) | extra
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


@pytest.fixture
def browser(submitter: Persona) -> Client:
    client = Client()
    assert client.login(username=submitter.user.username, password=PERSONA_PASSWORD)
    return client


def feedback_of(response: Any) -> dict[str, Any]:
    match = re.search(
        r'<script id="compose-feedback-data" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    assert match, response.content.decode()[:2000]
    feedback: dict[str, Any] = json.loads(match.group(1))
    return feedback


def test_the_page_needs_a_signed_in_user(client: Client) -> None:
    response = client.get("/create")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_offers_the_proposal_and_its_instruments(browser: Client) -> None:
    response = browser.get("/create")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="g.proposal"' in body and "LCO2026B-001" in body
    assert f'<option value="{SINISTRO}" selected>' in body
    assert (
        'name="g.requests.0.configurations.0.instrument_configs.0.optical_elements.filter"' in body
    )
    assert "Fill in the form" in body  # a fresh page is not scolded


def test_live_validation_answers_errors_by_field_and_durations(browser: Client) -> None:
    valid = feedback_of(post_form(browser, "/create/validate", imaging_group()))
    assert valid["errors"] == {}
    assert valid["durations"]["requests.0"] and valid["total"]
    broken = imaging_group()
    broken["requests"][0]["configurations"][0]["instrument_configs"][0]["exposure_time"] = "abc"
    broken["requests"][0]["windows"][0]["end"] = "2020-01-01T00:00"
    answer = feedback_of(post_form(browser, "/create/validate", broken))
    assert answer["errors"]["requests.0.configurations.0.instrument_configs.0.exposure_time"] == [
        "Please enter a number (for example 30 or 12.5)."
    ]
    assert "requests.0.windows.0.end" in answer["errors"]


def test_the_page_judges_exactly_like_the_api(browser: Client, submitter: Persona) -> None:
    group = imaging_group()
    group["requests"][0]["configurations"][0]["constraints"]["max_airmass"] = 0.5
    api = submitter.client.post("/api/requestgroups/validate/", group, format="json").json()
    page = feedback_of(post_form(browser, "/create/validate", group))
    assert api["errors"]["requests"][0]["configurations"][0]["constraints"]["max_airmass"] == [
        "Ensure this value is greater than or equal to 1.0."
    ]
    assert page["errors"] == {
        "requests.0.configurations.0.constraints.max_airmass": [
            "Ensure this value is greater than or equal to 1.0."
        ]
    }


def test_submitting_creates_the_group_and_shows_it(browser: Client) -> None:
    response = post_form(browser, "/create", imaging_group(), submit="1")
    assert response.status_code == 302
    group = RequestGroup.objects.get()
    assert group.name == "ngc1300-monitoring"
    assert str(group.pk) in response["Location"]
    configuration = group.requests.get().configurations.get()
    assert configuration.instrument_configs.get().exposure_count == 2


def test_a_refused_submission_keeps_what_was_typed_and_saves_nothing(browser: Client) -> None:
    group = imaging_group(name="")
    group["requests"][0]["configurations"][0]["target"]["ra"] = "north-ish"
    response = post_form(browser, "/create", group, submit="1")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="north-ish"' in body
    assert "not submitted" in body and "Please provide a name." in body
    assert RequestGroup.objects.count() == 0


def test_posts_need_the_csrf_token(submitter: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    client.login(username=submitter.user.username, password=PERSONA_PASSWORD)
    assert post_form(client, "/create", imaging_group(), submit="1").status_code == 403
    assert RequestGroup.objects.count() == 0


TOM_QUERY = {
    "target_name": "ngc1300",
    "target_type": "SIDEREAL",
    "target_ra": "49.921",
    "target_dec": "-19.411",
    "redirect_uri": "https://tom.example.org/observations/callback/?target_id=4&facility=LCO",
}


@override_settings(OCS_COMPOSE_REDIRECT_ORIGINS=["https://tom.example.org"])
def test_tom_toolkit_opens_compose_prefilled_and_gets_the_group_id_back(browser: Client) -> None:
    page = browser.get("/create?" + urlencode(TOM_QUERY)).content.decode()
    assert 'name="g.requests.0.configurations.0.target.ra" value="49.921"' in page
    assert 'name="g.requests.0.configurations.0.target.name" value="ngc1300"' in page
    assert "you will be taken back to" in page
    group = imaging_group()
    response = post_form(
        browser, "/create", group, submit="1", redirect_uri=TOM_QUERY["redirect_uri"]
    )
    created = RequestGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"https://tom.example.org/observations/callback/?target_id=4&facility=LCO&observation_id={created.pk}"
    )


@override_settings(OCS_COMPOSE_REDIRECT_ORIGINS=["https://tom.example.org"])
def test_a_redirect_to_an_unlisted_origin_is_not_followed(browser: Client) -> None:
    evil = "https://evil.example.net/steal"
    page = browser.get("/create?" + urlencode({**TOM_QUERY, "redirect_uri": evil})).content.decode()
    assert "does not send people back to that address" in page
    response = post_form(browser, "/create", imaging_group(), submit="1", redirect_uri=evil)
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")


def test_saves_a_draft_and_opens_it_again(browser: Client, make_persona: PersonaFactory) -> None:
    group = imaging_group(name="draft me")
    response = post_form(browser, "/create/draft", group, draft_title="My draft")
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?draft={draft.pk}")
    assert draft.title == "My draft" and json.loads(draft.content)["name"] == "draft me"
    reopened = browser.get(f"/create?draft={draft.pk}").content.decode()
    assert 'value="draft me"' in reopened and "Opened the draft" in reopened
    post_form(browser, "/create/draft", group, draft_title="My draft", draft_id=str(draft.pk))
    assert Draft.objects.count() == 1  # saving again updates it
    stranger = make_persona("mallory")
    other = Client()
    other.login(username=stranger.user.username, password=PERSONA_PASSWORD)
    assert other.get(f"/create?draft={draft.pk}").status_code == 404


def test_a_draft_for_a_proposal_one_is_not_in_is_refused(browser: Client) -> None:
    response = post_form(
        browser, "/create/draft", imaging_group(proposal="NOT-MINE"), draft_title="x"
    )
    assert response.status_code == 400
    assert "The draft was not saved" in response.content.decode()
    assert Draft.objects.count() == 0


def test_clones_a_group_one_may_see_and_only_those(
    browser: Client, submitter: Persona, make_persona: PersonaFactory
) -> None:
    created = submitter.client.post("/api/requestgroups/", imaging_group(), format="json").json()
    page = browser.get(f"/create?clone={created['id']}").content.decode()
    assert 'value="ngc1300-monitoring (copy)"' in page
    outsider = make_persona("eve")
    other = Client()
    other.login(username=outsider.user.username, password=PERSONA_PASSWORD)
    assert other.get(f"/create?clone={created['id']}").status_code == 404
    assert browser.get("/create?clone=abc").status_code == 404


def test_adds_and_removes_configurations(browser: Client) -> None:
    body = post_form(
        browser, "/create/form", imaging_group(), action="add:requests.0.configurations"
    ).content.decode()
    assert "Configuration 2" in body and 'id="compose-feedback"' in body
    document = imaging_group()
    document["requests"][0]["configurations"].append(document["requests"][0]["configurations"][0])
    body = post_form(
        browser, "/create/form", document, action="remove:requests.0.configurations.1"
    ).content.decode()
    assert "Configuration 2" not in body

    body = post_form(
        browser, "/create/form", imaging_group(), action="add:requests"
    ).content.decode()
    assert "Request 2" in body and '<option value="MANY" selected>' in body  # SINGLE has one
    assert "any of them to be observed" in body


@pytest.mark.parametrize(
    "action",
    [
        "resolve:name",
        "mpc:requests.7.target",
        "dither:ipp_value",
        "mosaic:requests.x",
        "cadence:name",
        "remove:requests",
        "add:name",
        "nonsense",
    ],
)
def test_a_stale_or_forged_action_changes_nothing_and_never_fails(
    browser: Client, action: str
) -> None:
    response = post_form(browser, "/create/form", imaging_group(), action=action)
    assert response.status_code == 200
    assert 'name="g.name" value="ngc1300-monitoring"' in response.content.decode()


def test_looks_up_a_target_name_from_the_shipped_catalogues(browser: Client) -> None:
    document = imaging_group()
    document["requests"][0]["configurations"][0]["target"] = {"type": "ICRS", "name": "M31"}
    body = post_form(
        browser, "/create/form", document, action="resolve:requests.0.configurations.0.target"
    ).content.decode()
    assert 'name="g.requests.0.configurations.0.target.ra" value="10.6847917"' in body
    assert "NGC0224" in body
    document["requests"][0]["configurations"][0]["target"]["name"] = "No Such Thing 42"
    body = post_form(
        browser, "/create/form", document, action="resolve:requests.0.configurations.0.target"
    ).content.decode()
    assert "No catalogue on this server knows" in body
    answer = browser.get("/create/resolve?name=Sirius")
    assert answer.status_code == 200 and answer.json()["proper_motion_dec"] == pytest.approx(
        -1223.08, abs=0.01
    )
    assert browser.get("/create/resolve?name=zzzz").status_code == 404


def test_reads_pasted_mpc_elements(browser: Client) -> None:
    line = (
        "00001    3.33  0.15 K2555 188.70269   73.27343   80.25221   10.58780  0.0794013  "
        "0.21424651   2.7660512  0 MPO877184"
    )
    document = imaging_group()
    path = "requests.0.configurations.0.target"
    body = post_form(
        browser, "/create/form", document, action=f"mpc:{path}", **{f"mpc.{path}": line}
    ).content.decode()
    assert 'name="g.requests.0.configurations.0.target.meandist" value="2.7660512"' in body
    body = post_form(
        browser, "/create/form", document, action=f"mpc:{path}", **{f"mpc.{path}": "hello"}
    ).content.decode()
    assert "not an MPC one-line element set" in body


def test_expands_a_dither_a_mosaic_and_a_cadence_with_the_existing_services(
    browser: Client,
) -> None:
    c_path = "requests.0.configurations.0"
    dither = {
        f"pattern.{c_path}.{k}": v
        for k, v in {"pattern": "line", "num_points": "3", "point_spacing": "10"}.items()
    }
    body = post_form(
        browser, "/create/form", imaging_group(), action=f"dither:{c_path}", **dither
    ).content.decode()
    assert "dither positions" in body
    assert "g.requests.0.configurations.0.instrument_configs.2.exposure_time" in body
    assert 'name="g.requests.0.configurations.0.extra_params.dither_pattern" value="line"' in body
    assert 'data-plot="dither-applied-requests0configurations0-data"' in body  # drawn, and
    assert "Applied dither: 3 positions" in body
    assert 'data-plot="mosaic-applied-' not in body
    mosaic = {
        f"pattern.requests.0.{k}": v
        for k, v in {
            "pattern": "grid",
            "num_rows": "2",
            "num_columns": "2",
            "point_spacing": "600",
        }.items()
    }
    body = post_form(
        browser, "/create/form", imaging_group(), action="mosaic:requests.0", **mosaic
    ).content.decode()
    assert "Configuration 4" in body
    assert 'data-plot="mosaic-applied-requests0-data"' in body
    assert "Applied mosaic: 4 pointings" in body
    cadence = {
        "cadence.requests.0.start": "2026-12-01T12:00",
        "cadence.requests.0.end": "2026-12-05T12:00",
        "cadence.requests.0.period": "24",
        "cadence.requests.0.jitter": "12",
    }
    body = post_form(
        browser, "/create/form", imaging_group(), action="cadence:requests.0", **cadence
    ).content.decode()
    assert "The cadence gave" in body and "Request 2" in body
    bad = post_form(
        browser, "/create/form", imaging_group(), action=f"dither:{c_path}"
    ).content.decode()
    assert 'class="message message--error"' in bad


def test_draws_the_visibility_and_pattern_plots(browser: Client) -> None:
    body = post_form(
        browser, "/create/visibility", imaging_group(), plot_request="0"
    ).content.decode()
    assert 'data-plot="compose-visibility-plot-data"' in body
    assert "Every request" not in body  # one request: nothing to choose
    group = imaging_group(operator="MANY")
    second = json.loads(json.dumps(group["requests"][0]))
    second["windows"] = [{"start": "2026-12-10T12:00:00Z", "end": "2026-12-14T12:00:00Z"}]
    group["requests"].append(second)
    body = post_form(browser, "/create/visibility", group).content.decode()
    assert '<option value="all" selected>Every request</option>' in body
    found = re.search(r'id="compose-visibility-plot-data"[^>]*>(.*?)</script>', body, re.S)
    assert found
    figure = json.loads(found.group(1))
    assert {t["name"] for t in figure["data"] if t.get("showlegend")} == {"Request 1", "Request 2"}
    body = post_form(browser, "/create/visibility", group, plot_request="1").content.decode()
    assert '<option value="1" selected>Request 2</option>' in body
    assert "one colour per request" not in body
    group["requests"][1]["windows"] = []
    body = post_form(browser, "/create/visibility", group).content.decode()
    assert 'data-plot="compose-visibility-plot-data"' in body
    assert "Request 2 will be drawn when its target, windows and instrument are valid" in body
    broken = imaging_group()
    broken["requests"][0]["windows"] = []
    assert (
        "The plot appears when" in post_form(browser, "/create/visibility", broken).content.decode()
    )
    pattern = browser.post(
        "/create/pattern",
        {
            "at": "requests.0",
            "pattern.requests.0.pattern": "spiral",
            "pattern.requests.0.num_points": "5",
            "pattern.requests.0.point_spacing": "10",
        },
    ).content.decode()
    assert "data-plot=" in pattern
    missing = browser.post(
        "/create/pattern", {"at": "requests.0", "pattern.requests.0.pattern": "grid"}
    ).content.decode()
    assert "num_rows" in missing


def test_someone_in_no_proposal_is_told_so(outsider: Persona, network: None) -> None:
    client = Client()
    client.login(username=outsider.user.username, password=PERSONA_PASSWORD)
    body = client.get("/create").content.decode()
    assert "not a member of an active proposal" in body


def test_offers_the_sites_enclosures_and_telescopes_that_host_the_instrument(
    browser: Client,
) -> None:
    def options(body: str, key: str) -> list[str]:
        select = re.search(
            rf'<select id="f-requests-0-location-{key}"[^>]*>(.*?)</select>', body, re.S
        )
        assert select, body[:2000]
        return re.findall(r'<option value="([^"]*)"', select.group(1))

    document = imaging_group()
    body = post_form(browser, "/create/form", document).content.decode()
    sites = options(body, "site")
    assert sites[0] == "" and {"coj", "cpt", "elp", "lsc", "tfn"} <= set(sites)
    assert "ogg" not in sites  # no Sinistro there
    assert options(body, "enclosure") == [""]  # a site first

    document["requests"][0]["location"] |= {"site": "lsc", "enclosure": "domb"}
    body = post_form(browser, "/create/form", document).content.decode()
    assert options(body, "enclosure") == ["", "doma", "domb", "domc"]  # not the 0.4 m domes
    assert options(body, "telescope") == ["", "1m0a"]
    document["requests"][0]["location"]["telescope"] = "1m0a"
    feedback = feedback_of(post_form(browser, "/create/validate", document))
    assert feedback["errors"] == {}

    document["requests"][0]["location"]["site"] = "coj"  # domb is at coj too; domc is not
    document["requests"][0]["location"]["enclosure"] = "domc"
    body = post_form(browser, "/create/form", document).content.decode()
    assert 'name="g.requests.0.location.site"' in body
    assert '<option value="coj" selected>' in body
    assert 'name="g.requests.0.location.enclosure" value=' not in body  # dropped, and
    assert options(body, "telescope") == [""]  # the telescope with it


def test_a_location_the_api_refuses_is_refused_beside_it(browser: Client) -> None:
    document = imaging_group()
    document["requests"][0]["location"] |= {"enclosure": "doma"}  # no site
    feedback = feedback_of(post_form(browser, "/create/validate", document))
    assert feedback["errors"] == {"requests.0.location": ["Must specify a site with an enclosure."]}
