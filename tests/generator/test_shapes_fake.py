"""evenergy.testing's fake serves every shape of endpoint: here the fixture's, given to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

from evenergy import NotFoundError
from evenergy._cli import _add_commands, cli
from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI
from shapes_harness import ShapesClient, resources

EVSES = [{"id": f"evse{n}", "name": f"EVSE {n}", "cpid": f"CP{n}"} for n in range(1, 4)]
LOGS = [{"sampled_at": f"2024-04-17T09:3{n}:00Z", "status": "idle"} for n in range(3)]


def fake_with_items() -> FakeEvEnergyAPI:
    fake = FakeEvEnergyAPI(endpoints=resources.ENDPOINTS)
    fake.collections["evses"] = EVSES
    fake.nested["evses.status_logs"]["evse2"] = LOGS
    return fake


def client_of(fake: FakeEvEnergyAPI) -> Any:
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


def shapes_cli() -> click.Group:
    """The evenergy command with the fixture's GET commands instead of the SDK's."""
    root = click.Group("evenergy", params=cli.params, callback=cli.callback)
    _add_commands(root, resources.ENDPOINTS)
    return root


def invoke(fake: FakeEvEnergyAPI, *argv: str) -> Any:
    def factory(**options: Any) -> Any:
        return client_of(fake)

    result = CliRunner().invoke(shapes_cli(), [*argv, "--format", "json"], obj=factory)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cli_offers_every_get_with_its_path_values_and_query_options() -> None:
    fake = fake_with_items()
    listed = invoke(fake, "evses", "list", "--expand", "user", "--expand", "evse_model")
    assert [evse["id"] for evse in listed] == ["evse1", "evse2", "evse3"]
    assert fake.requests[-1].url.params.get_list("expand") == ["user", "evse_model"]
    log = invoke(fake, "status-logs", "get", "evse2", "2024-04-17T11:31:00+02:00")
    assert log["status"] == "idle"
    assert invoke(fake, "status-logs", "list", "evse2")[0]["sampled_at"].startswith("2024")
    assert invoke(fake, "evses", "get", "evse1", "--accept-language", "fr-CA")["name"] == "EVSE 1"
    assert fake.requests[-1].headers["Accept-Language"] == "fr-CA"


def test_the_cli_offers_no_writes() -> None:
    commands = shapes_cli().commands["evses"]
    assert isinstance(commands, click.Group)
    assert set(commands.commands) == {"list", "get", "vpp-modes", "connectivity"}
