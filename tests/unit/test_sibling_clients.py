"""Clients made by with_options share one token fetch, and each call keeps its own bounds.

A call that waits for a sibling's fetch must not be bound by the sibling's timeout or retries:
when the fetch fails for bounds that are not the waiting call's, the waiting call fetches for
itself; a refusal, which any bounds would have met, is shared. The waiting is observed through
the SDK's debug record of it, so no test sleeps.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from evenergy import AsyncEvEnergy, AuthenticationError, EvEnergy
from harness import CLIENT_SECRET, SITE_ID, TOKEN_URL, site

WAITING = "for the token another call is fetching"


class _OnRecord(logging.Handler):
    """Calls `then` when the SDK logs that a call waits for another's token fetch."""

    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__(logging.DEBUG)
        self.then = then

    def emit(self, record: logging.LogRecord) -> None:
        if WAITING in record.getMessage():
            self.then()


@pytest.fixture
def on_waiting() -> Iterator[Callable[[Callable[[], object]], None]]:
    logger = logging.getLogger("evenergy")
    handlers: list[logging.Handler] = []
    level = logger.level
    logger.setLevel(logging.DEBUG)

    def install(then: Callable[[], object]) -> None:
        handlers.append(_OnRecord(then))
        logger.addHandler(handlers[-1])

    yield install
    for handler in handlers:
        logger.removeHandler(handler)
    logger.setLevel(level)


def _options(http_client: httpx.Client | httpx.AsyncClient) -> dict[str, Any]:
    return {
        "client_id": "app",
        "client_secret": CLIENT_SECRET,
        "token_url": TOKEN_URL,
        "base_url": "https://api.test/v2",
        "http_client": http_client,
    }


FIRST_ANSWERS = [
    (httpx.ReadTimeout, "its own token"),  # the fetching call's timeout, not the waiter's
    (httpx.ConnectError, "its own token"),
    (503, "its own token"),  # retries spent: the waiter has more of them
    (401, AuthenticationError),  # a refusal: any bounds meet it, so it is shared
]


class _Endpoints:
    """The API, and a token endpoint whose first fetch ends as `first_answer`, once released."""

    def __init__(self, first_answer: Any) -> None:
        self.first_answer = first_answer
        self.fetches: list[httpx.Request] = []

    def answer(self, request: httpx.Request) -> httpx.Response | None:
        """The answer to `request`, or None for the first token fetch: it is held."""
        if request.url.path != "/o/token/":
            return httpx.Response(200, json=site(1))
        self.fetches.append(request)
        if len(self.fetches) > 1:
            return httpx.Response(200, json={"access_token": f"sibling-token-{len(self.fetches)}"})
        return None

    def fail_first(self, request: httpx.Request) -> httpx.Response:
        """How the first (the impatient call's) fetch ends."""
        if isinstance(self.first_answer, int):
            return httpx.Response(self.first_answer, json={"error": "invalid_client"})
        raise self.first_answer("the fetching call's own failure", request=request)

    def check(self, leader: BaseException | None, waiter: Any, waiter_gets: Any) -> None:
        """The leader failed for its bounds; the waiter got its own token, or the refusal."""
        assert leader is not None
        if waiter_gets == "its own token":
            assert waiter.id == site(1)["id"]
            assert len(self.fetches) == 2
        else:
            assert isinstance(waiter, waiter_gets)
            assert len(self.fetches) == 1


@pytest.mark.parametrize(("first_answer", "waiter_gets"), FIRST_ANSWERS)
def test_a_thread_waiting_on_a_siblings_failed_fetch_fails_only_for_its_own_reasons(
    on_waiting: Any, first_answer: Any, waiter_gets: Any
) -> None:
    endpoints = _Endpoints(first_answer)
    leader_fetching, waiter_waiting = threading.Event(), threading.Event()
    on_waiting(waiter_waiting.set)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = endpoints.answer(request)
        if answer is not None:
            return answer
        leader_fetching.set()
        assert waiter_waiting.wait(timeout=30), "the second call never waited"
        return endpoints.fail_first(request)

    http_client = httpx.Client(transport=httpx.MockTransport(handle))
    with EvEnergy(max_retries=0, **_options(http_client)) as impatient:
        patient = impatient.with_options(max_retries=3, timeout=30)
        with ThreadPoolExecutor(2) as pool:
            leader = pool.submit(impatient.evse_sites.get, SITE_ID)
            assert leader_fetching.wait(timeout=30)
            waiter = pool.submit(patient.evse_sites.get, SITE_ID)
            leader_error = leader.exception(timeout=30)
            waiter_outcome = waiter.exception(timeout=30) or waiter.result()
    endpoints.check(leader_error, waiter_outcome, waiter_gets)


@pytest.mark.parametrize(("first_answer", "waiter_gets"), FIRST_ANSWERS)
def test_a_task_waiting_on_a_siblings_failed_fetch_fails_only_for_its_own_reasons(
    on_waiting: Any, first_answer: Any, waiter_gets: Any
) -> None:
    endpoints = _Endpoints(first_answer)

    async def main() -> tuple[BaseException | None, Any]:
        leader_fetching, waiter_waiting = asyncio.Event(), asyncio.Event()
        on_waiting(waiter_waiting.set)

        async def handle(request: httpx.Request) -> httpx.Response:
            answer = endpoints.answer(request)
            if answer is not None:
                return answer
            leader_fetching.set()
            await waiter_waiting.wait()
            return endpoints.fail_first(request)

        http_client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
        async with AsyncEvEnergy(max_retries=0, **_options(http_client)) as impatient:
            patient = impatient.with_options(max_retries=3, timeout=30)
            leader = asyncio.create_task(impatient.evse_sites.get(SITE_ID))
            await leader_fetching.wait()
            waiter = asyncio.create_task(patient.evse_sites.get(SITE_ID))
            await asyncio.wait([leader, waiter], timeout=30)
            return leader.exception(), waiter.exception() or waiter.result()

    endpoints.check(*asyncio.run(main()), waiter_gets)
