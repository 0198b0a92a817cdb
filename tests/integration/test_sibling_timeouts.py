"""Over a real socket: a call waiting on a sibling client's token fetch keeps its own timeout.

The token endpoint holds the patient call's fetch until the test lets it go; an impatient
sibling (made by with_options) that wants a token meanwhile must end with its own
APITimeoutError within its own bounds, while the patient fetch is still under way, and the
patient call must then succeed.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from loopback import Received, Reply, Route, serving

from evenergy import APITimeoutError, AsyncEvEnergy, EvEnergy
from harness import CLIENT_SECRET, SITE_ID, site

IMPATIENT_TIMEOUT = 0.3


def _held_token_endpoint(release: threading.Event) -> tuple[threading.Event, Route]:
    arrived = threading.Event()

    def route(request: Received) -> Reply | None:
        if request.path == "/o/token/":
            arrived.set()
            release.wait(timeout=60)
            return Reply(body={"access_token": "held-then-granted-token", "expires_in": 3600})
        return Reply(body=site(1))

    return arrived, route


def _options(url: str) -> dict[str, Any]:
    return {
        "client_id": "socket-client",
        "client_secret": CLIENT_SECRET,
        "token_url": f"{url}/o/token/",
        "base_url": f"{url}/v2",
        "timeout": 60,
        "max_retries": 0,
    }


def test_an_impatient_thread_does_not_wait_out_a_patient_siblings_fetch() -> None:
    release = threading.Event()
    arrived, route = _held_token_endpoint(release)
    with serving(route) as server, EvEnergy(**_options(server.url)) as patient:
        impatient = patient.with_options(timeout=IMPATIENT_TIMEOUT)
        with ThreadPoolExecutor(2) as pool:
            try:
                fetching = pool.submit(patient.evse_sites.get, SITE_ID)
                assert arrived.wait(timeout=30)
                waiting = pool.submit(impatient.evse_sites.get, SITE_ID)
                error = waiting.exception(timeout=30)  # long before the held fetch ends
                assert isinstance(error, APITimeoutError), error
                assert not fetching.done()
            finally:
                release.set()
            assert fetching.result(timeout=30).id == site(1)["id"]


def test_an_impatient_task_does_not_wait_out_a_patient_siblings_fetch() -> None:
    release = threading.Event()
    arrived, route = _held_token_endpoint(release)

    async def main(url: str) -> None:
        async with AsyncEvEnergy(**_options(url)) as patient:
            impatient = patient.with_options(timeout=IMPATIENT_TIMEOUT)
            fetching = asyncio.create_task(patient.evse_sites.get(SITE_ID))
            try:
                assert await asyncio.to_thread(arrived.wait, 30)
                with pytest.raises(APITimeoutError):
                    await asyncio.wait_for(impatient.evse_sites.get(SITE_ID), timeout=30)
                assert not fetching.done()
            finally:
                release.set()
            assert (await fetching).id == site(1)["id"]

    with serving(route) as server:
        asyncio.run(main(server.url))
