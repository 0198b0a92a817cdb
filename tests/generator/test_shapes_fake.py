"""evenergy.testing's fake serves every shape of endpoint: here the fixture's, given to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from evenergy import NotFoundError
from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI
from shapes_harness import ShapesClient, resources

EVSES = [{"id": f"evse{n}", "name": f"EVSE {n}", "cpid": f"CP{n}"} for n in range(1, 4)]
LOGS = [{"sampled_at": f"2024-04-17T09:3{n}:00Z", "status": "idle"} for n in range(3)]


def fake_with_items() -> FakeEvEnergyAPI:
    fake = FakeEvEnergyAPI(endpoints=resources.ENDPOINTS)
    fake.collections["evses"] = EVSES
    fake.nested["evses.status_logs"]["evse2"] = LOGS
    return fake


def client_of(fake: FakeEvEnergyAPI) -> ShapesClient:
    http = httpx.Client(transport=fake.transport())
    return ShapesClient(
        base_url="https://fake.test/v2", access_token=FAKE_ACCESS_TOKEN, http_client=http
    )


def test_the_fake_serves_lists_and_items_by_every_path_parameter() -> None:
    with client_of(fake_with_items()) as client:
        assert [evse.id for evse in client.evses.list()] == ["evse1", "evse2", "evse3"]
        assert client.evses.get("evse3").name == "EVSE 3"
        logs = client.evses.status_logs.list("evse2")
        assert [log.sampled_at.minute for log in logs] == [30, 31, 32]
        assert list(client.evses.status_logs.list("evse1")) == []
        sampled_at = datetime(2024, 4, 17, 9, 31, tzinfo=UTC)
        assert client.evses.status_logs.get("evse2", sampled_at).sampled_at == sampled_at
        with pytest.raises(NotFoundError):
            client.evses.status_logs.get("evse1", sampled_at)


def test_other_methods_answer_the_spec_example_unless_a_handler_is_registered() -> None:
    fake = fake_with_items()
    with client_of(fake) as client:
        assert client.charging_sessions.start_boost("cs1").boosting is True
        assert client.evses.delete("evse1") is None

        def rename(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json={"id": "evse1", **json.loads(request.content)})

        fake.add_handler("patch", "/evses/{evse_id}", rename)
        assert client.evses.update("evse1", name="Drive").name == "Drive"
