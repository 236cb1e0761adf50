"""Backoff: transient failures are retried with doubling delays; refusals are not."""

from __future__ import annotations

import pytest

from openocs.clients.errors import ClientRequestError, ServiceUnavailableError
from openocs.ingester import BackoffRetryError, DoNotRetryError
from openocs.simulator.retry import Backoff, GaveUpError


def _down() -> ServiceUnavailableError:
    return ServiceUnavailableError("connection refused", url="http://portal.test/")


def test_delays_double_up_to_the_cap_until_the_deadline() -> None:
    assert Backoff(base_delay_s=1, max_delay_s=4, deadline_s=20).delays() == [1, 2, 4, 4, 4, 4]


def test_a_service_that_comes_back_is_retried_until_it_answers() -> None:
    answers: list[object] = [_down(), BackoffRetryError("archive 503"), "done"]
    slept: list[float] = []

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    result = Backoff(base_delay_s=1, deadline_s=60).call("PATCH", call, sleep=slept.append)

    assert result == "done"
    assert slept == [1, 2]


def test_a_refusal_is_raised_at_once() -> None:
    slept: list[float] = []

    def refuse() -> None:
        raise ClientRequestError("bad", url="u", status_code=400, body={"state": ["bad"]})

    with pytest.raises(ClientRequestError):
        Backoff().call("PATCH", refuse, sleep=slept.append)
    with pytest.raises(DoNotRetryError):
        Backoff().call("ingest", lambda: (_ for _ in ()).throw(DoNotRetryError("no")))
    assert slept == []


def test_an_outage_longer_than_the_deadline_gives_up_with_the_last_error() -> None:
    slept: list[float] = []

    def down() -> None:
        raise _down()

    with pytest.raises(GaveUpError, match="gave up") as raised:
        Backoff(base_delay_s=1, max_delay_s=2, deadline_s=5).call("read", down, sleep=slept.append)

    assert isinstance(raised.value.__cause__, ServiceUnavailableError)
    assert slept == [1, 2, 2]


def test_stopping_ends_the_retries() -> None:
    def down() -> None:
        raise _down()

    with pytest.raises(GaveUpError):
        Backoff().call("read", down, sleep=lambda _s: None, should_stop=lambda: True)


def test_quiet_retries_log_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    answers: list[object] = [_down(), "ok"]

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    with caplog.at_level("DEBUG", logger="openocs.simulator"):
        Backoff(base_delay_s=0.001, quiet=True).call("read", call, sleep=lambda _s: None)

    assert [record.levelname for record in caplog.records] == ["DEBUG"]
