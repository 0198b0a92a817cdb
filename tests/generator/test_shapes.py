"""Every operation shape, rendered from tests/generator/shapes/ and driven over a loopback socket.

`nox -s shapes` generates the scratch packages (shapes_openapi, shapes_sdk) these tests import.
Each method is called with both clients; the server records the bytes on the wire (method, path
and query as sent, headers, body) and the tests check them and the parsed result.
"""

from __future__ import annotations

import importlib
import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from loopback import DROP, Received, Reply, serving

from evenergy import APIConnectionError, InternalServerError, Page, RawResponse
from shapes_harness import Shapes, ShapesClient, models

EVSE = {"id": "evse1", "name": "Garage", "cpid": "CP1", "charging_enabled": True}
LOG = {"sampled_at": "2024-04-17T09:39:45.984584+00:00", "status": "charging"}
LAST_PAGE = {"Link": '<about:blank>; rel="next", <about:blank>; rel="previous"'}
SAMPLED_AT = datetime(2024, 4, 17, 9, 39, 45, 984584, tzinfo=UTC)
USER = "user01HN2NJ9NMRZBXT1H6FT9N7735"


def route(request: Received) -> Reply:
    """The fixture API: a canned answer for each operation."""
    path = urlsplit(request.path).path
    if request.method == "DELETE":
        return Reply(204, b"")
    if path.endswith("/vpp_modes"):
        return Reply(200, [{"id": "eco", "name": "Eco"}, {"id": "fast", "name": "Fast"}])
    if path.endswith("/connectivity"):
        return Reply(200, {"connectivity": "online", "checked_at": None})
    if path.endswith("/boost_start"):
        return Reply(200, {"id": "cs1", "boosting": True})
    if "/status_logs/" in path:
        return Reply(200, LOG)
    if path.endswith("/status_logs") or path == "/v2/evses":
        return Reply(200, [LOG if "/status_logs" in path else EVSE], headers=LAST_PAGE)
    return Reply(200, {**EVSE, **json.loads(request.body or b"{}")})


def body(request: Received) -> Any:
    return json.loads(request.body) if request.body else None


def test_lists_send_arrays_repeated_and_datetimes_as_iso_8601(shapes: Shapes) -> None:
    with serving(route) as server:
        client = shapes.client(f"{server.url}/v2")
        evses = shapes.items(
            client.evses.list(expand=["evse_model", "user"], cpid="CP 1", user=USER)
        )
        sent = server.next_request()
        assert (sent.method, sent.path) == (
            "GET",
            "/v2/evses?page_size=100&expand=evse_model&expand=user&cpid=CP%201",
        )
        assert sent.headers["evenergy-user"] == USER
        assert [evse.id for evse in evses] == ["evse1"]

        since = datetime(2024, 4, 17, 9, 0, tzinfo=timezone(timedelta(hours=2)))
        logs = shapes.items(client.evses.status_logs.list("evse1", sampled_at__gte=since))
        sent = server.next_request()
        assert sent.path == (
            "/v2/evses/evse1/status_logs?page_size=100&sampled_at__gte=2024-04-17T09%3A00%3A00%2B02%3A00"
        )
        assert [log.sampled_at for log in logs] == [SAMPLED_AT]


def test_gets_send_every_path_parameter_and_header(shapes: Shapes) -> None:
    with serving(route) as server:
        client = shapes.client(f"{server.url}/v2")
        evse = shapes.run(client.evses.get("evse1/ä?#", expand=["user"], accept_language="fr-CA"))
        sent = server.next_request()
        assert (sent.method, sent.path) == ("GET", "/v2/evses/evse1%2F%C3%A4%3F%23?expand=user")
        assert sent.headers["accept-language"] == "fr-CA"
        assert "evenergy-user" not in sent.headers
        assert evse.name == "Garage"

        log = shapes.run(client.evses.status_logs.get("evse1", SAMPLED_AT))
        sent = server.next_request()
        assert sent.path == "/v2/evses/evse1/status_logs/2024-04-17T09%3A39%3A45.984584%2B00%3A00"
        assert log.status == "charging"


def test_a_patch_sends_only_the_fields_given_and_null_for_none(shapes: Shapes) -> None:
    with serving(route) as server:
        client = shapes.client(f"{server.url}/v2")
        evse = shapes.run(client.evses.update("evse1", name=None))
        sent = server.next_request()
        assert (sent.method, sent.path, body(sent)) == ("PATCH", "/v2/evses/evse1", {"name": None})
        assert sent.headers["content-type"] == "application/json"
        assert evse.name is None

        shapes.run(client.evses.update("evse1", charging_enabled=False, expand=["user"]))
        sent = server.next_request()
        assert (sent.path, body(sent)) == (
            "/v2/evses/evse1?expand=user",
            {"charging_enabled": False},
        )

        shapes.run(client.evses.update("evse1"))
        assert body(server.next_request()) == {}


def test_actions_deletes_and_unpaged_lists_answer_as_declared(shapes: Shapes) -> None:
    with serving(route) as server:
        client = shapes.client(f"{server.url}/v2")
        session = shapes.run(client.charging_sessions.start_boost("cs1"))
        sent = server.next_request()
        assert (sent.method, sent.path, sent.body) == (
            "POST",
            "/v2/charging_sessions/cs1/boost_start",
            b"",
        )
        assert session.boosting is True

        assert shapes.run(client.evses.delete("evse1")) is None
        assert server.next_request().method == "DELETE"

        modes = shapes.run(client.evses.vpp_modes("evse1"))
        assert [mode.name for mode in modes] == ["Eco", "Fast"]

        connectivity = shapes.run(client.evses.connectivity("evse1"))
        assert connectivity.connectivity == "online"  # a field named like its model


def test_every_method_has_a_raw_twin(shapes: Shapes) -> None:
    with serving(route) as server:
        client = shapes.client(f"{server.url}/v2")
        raw = client.evses.with_raw_response
        deleted = shapes.run(raw.delete("evse1"))
        assert isinstance(deleted, RawResponse)
        assert (deleted.status_code, deleted.parse()) == (204, None)
        page = shapes.run(client.evses.status_logs.with_raw_response.list("evse1")).parse()
        assert isinstance(page, Page)
        assert page.items[0].status == "charging"
        modes = shapes.run(raw.vpp_modes("evse1")).parse()
        assert [mode.id for mode in modes] == ["eco", "fast"]
        updated = shapes.run(raw.update("evse1", name="Drive")).parse()
        assert updated.name == "Drive"


def answering(*replies: Reply | None) -> Any:
    """A route that gives each reply in turn (None: the fixture's answer), then the fixture's."""
    queue = list(replies)

    def answer(request: Received) -> Reply:
        reply = queue.pop(0) if queue else None
        return route(request) if reply is None else reply

    return answer


UNAVAILABLE = Reply(503, {"title": "Unavailable", "status": 503}, {"Retry-After": "0"})
TOO_MANY = Reply(429, {"title": "Too many", "status": 429}, {"Retry-After": "0"})


@pytest.mark.parametrize(
    ("reply", "error"),
    [(UNAVAILABLE, InternalServerError), (DROP, APIConnectionError)],
    ids=["503", "dropped"],
)
def test_a_post_is_not_sent_again_after_a_5xx_or_a_dropped_connection(
    shapes: Shapes, reply: Reply, error: type[Exception]
) -> None:
    with serving(answering(reply)) as server:
        client = shapes.client(f"{server.url}/v2")
        with pytest.raises(error):
            shapes.run(client.charging_sessions.start_boost("cs1"))
        assert len(server.requests()) == 1


def test_a_post_is_sent_again_after_a_429(shapes: Shapes) -> None:
    with serving(answering(TOO_MANY)) as server:
        client = shapes.client(f"{server.url}/v2")
        assert shapes.run(client.charging_sessions.start_boost("cs1")).boosting is True
        assert [r.method for r in server.requests()] == ["POST", "POST"]


@pytest.mark.parametrize("reply", [UNAVAILABLE, DROP], ids=["503", "dropped"])
def test_gets_and_deletes_are_sent_again_after_a_5xx_or_a_drop(
    shapes: Shapes, reply: Reply
) -> None:
    with serving(answering(reply, None, reply)) as server:
        client = shapes.client(f"{server.url}/v2")
        assert shapes.run(client.evses.connectivity("evse1")).connectivity == "online"
        assert shapes.run(client.evses.delete("evse1")) is None
        assert [r.method for r in server.requests()] == ["GET", "GET", "DELETE", "DELETE"]


def test_a_post_is_sent_again_when_the_connection_failed_before_sending(
    shapes: Shapes, caplog: pytest.LogCaptureFixture
) -> None:
    with serving(route) as server:
        closed = server.url  # nothing listens there once the server stopped
    client = shapes.client(f"{closed}/v2", max_retries=1)
    with caplog.at_level(logging.INFO, logger="evenergy"), pytest.raises(APIConnectionError):
        shapes.run(client.charging_sessions.start_boost("cs1"))
    assert [
        r.getMessage().split(" in ")[0] for r in caplog.records if "retrying" in r.getMessage()
    ] == ["retrying POST /v2/charging_sessions/cs1/boost_start"]


def test_the_generated_builder_sends_a_datetime_path_parameter_as_iso_8601() -> None:
    builder: Any = importlib.import_module("shapes_openapi.api.evs_es.get_evse_status_log")
    at = datetime(2024, 4, 17, 9, 39, 45, tzinfo=timezone(timedelta(hours=-5)))
    url = builder.build_request("evse1", at)["url"]
    assert url == "/evses/evse1/status_logs/2024-04-17T09%3A39%3A45-05%3A00"


def test_a_field_named_like_its_model_keeps_its_value() -> None:
    parsed = models.Connectivity.from_dict({"connectivity": "offline", "checked_at": None})
    assert parsed.connectivity == "offline"


# Any id the SDK accepts (checks refuse empty, space, non-printable, "." and ".."), any query
# text, datetimes with any offset (in minutes, as ISO 8601 writes them), arrays: the request
# target decodes back to exactly them.
IDS = st.text(min_size=1, max_size=40).filter(
    lambda text: (
        text.strip() != "" and " " not in text and text.isprintable() and text not in (".", "..")
    )
)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@given(
    evse_id=IDS,
    at=st.datetimes(timezones=OFFSETS),
    cpid=st.text(max_size=20),
    expand=st.lists(st.text(max_size=10), max_size=3),
)
def test_path_and_query_values_decode_back_exactly(
    evse_id: str, at: datetime, cpid: str, expand: list[str]
) -> None:
    targets: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        targets.append(request.url.raw_path)
        if "/status_logs/" in request.url.path:
            return httpx.Response(200, json=LOG)
        return httpx.Response(200, json=[EVSE], headers=LAST_PAGE)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with ShapesClient(
        base_url="https://api.test/v2", access_token="tok-1", http_client=http
    ) as client:
        client.evses.status_logs.get(evse_id, at)
        list(client.evses.list(cpid=cpid, expand=expand))
    log_target, list_target = (target.decode("ascii") for target in targets)
    *_, sent_id, _, sent_at = urlsplit(log_target).path.split("/")
    assert unquote(sent_id, errors="strict") == evse_id
    assert datetime.fromisoformat(unquote(sent_at)) == at
    assert datetime.fromisoformat(unquote(sent_at)).utcoffset() == at.utcoffset()
    query = parse_qs(urlsplit(list_target).query, keep_blank_values=True, errors="strict")
    assert query.get("cpid") == [cpid]
    assert query.get("expand", []) == expand
