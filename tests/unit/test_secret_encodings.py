"""A secret is masked in every encoding it can travel in, wherever the SDK quotes server text."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from evenergy import (
    AuthenticationError,
    ConfigurationError,
    EvEnergy,
    EvEnergyError,
    InternalServerError,
)
from harness import (
    SITE_ID,
    TOKEN_URL,
    Client,
    Sdk,
    credential_encodings,
    encodings,
    site,
)

# Characters that every encoding changes: "/" (JSON's \/), " " and "+" (form encoding), '"'
# (JSON), non-ASCII (percent-encoded as UTF-8, JSON-escaped as \uXXXX or a surrogate pair).
ODD_SECRET = 'cs/9b8a 7c+6d"é5e4f😀'
ODD_ID = "app id/1"
FETCHED = "fetched/tok+en 4f1c2a9e"
ENCODINGS = encodings(ODD_SECRET)
CREDENTIAL_FORMS = credential_encodings(ODD_ID, ODD_SECRET)


def credentials_client(sdk: Sdk) -> Client:
    return sdk.client(
        client_id=ODD_ID, client_secret=ODD_SECRET, token_url=TOKEN_URL, max_retries=0
    )


def _error_texts(error: BaseException) -> str:
    texts = []
    chained: BaseException | None = error
    while chained is not None:
        texts += [str(chained), repr(chained), repr(chained.args)]
        texts += [repr(getattr(chained, name, "")) for name in ("problem", "reason")]
        chained = chained.__cause__ or chained.__context__
    return "\n".join(texts)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("status", [400, 500])
def test_a_token_endpoint_echoing_the_secret_in_any_encoding_does_not_leak_it(
    sdk: Sdk, api: respx.MockRouter, encoding: str, status: int
) -> None:
    echoed = ENCODINGS[encoding]
    if status == 400:  # the OAuth2 error's description is quoted: it holds the echo
        api.post(TOKEN_URL).respond(
            status, json={"error": "x", "error_description": f"got {echoed}"}
        )
    else:  # the body is quoted as it is
        api.post(TOKEN_URL).respond(status, text=f"got {echoed}")
    with pytest.raises(EvEnergyError) as caught:
        sdk.get_site(credentials_client(sdk))
    assert type(caught.value) is (AuthenticationError if status == 400 else InternalServerError)
    assert "got " in str(caught.value)  # the server's text is quoted ...
    assert echoed not in _error_texts(caught.value)  # ... but not the secret


@pytest.mark.parametrize("form", CREDENTIAL_FORMS)
def test_the_client_credentials_echoed_whole_do_not_leak(
    sdk: Sdk, api: respx.MockRouter, form: str
) -> None:
    echoed = CREDENTIAL_FORMS[form]
    api.post(TOKEN_URL).respond(502, text=f"proxy saw Authorization: {echoed}")
    with pytest.raises(InternalServerError) as caught:
        sdk.get_site(credentials_client(sdk))
    assert "proxy saw" in str(caught.value)
    assert echoed not in _error_texts(caught.value)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_api_error_echoing_the_fetched_token_in_any_encoding_does_not_leak_it(
    sdk: Sdk, api: respx.MockRouter, encoding: str
) -> None:
    api.post(TOKEN_URL).respond(200, json={"access_token": FETCHED.replace(" ", "-")})
    echoed = encodings(FETCHED.replace(" ", "-"))[encoding]
    api.get(f"/evse_sites/{SITE_ID}").respond(404, text=f"no site for token {echoed}")
    with pytest.raises(EvEnergyError) as caught:
        sdk.get_site(credentials_client(sdk))
    assert "no site for token" in str(caught.value)
    assert echoed not in _error_texts(caught.value)


@pytest.mark.parametrize("status", [400, 401, 429, 500])
def test_a_refusal_from_the_token_endpoint_that_carries_a_token_does_not_leak_it(
    sdk: Sdk, api: respx.MockRouter, status: int
) -> None:
    token = "refused-but-real-token-77"
    body = {"access_token": token, "error": "invalid_scope", "error_description": f"not {token}"}
    api.post(TOKEN_URL).respond(status, json=body)
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    with pytest.raises(EvEnergyError) as caught:
        sdk.get_site(credentials_client(sdk))
    assert token not in _error_texts(caught.value)


@pytest.mark.parametrize("setting", ["base_url", "token_url"])
@pytest.mark.parametrize(
    "url",
    [
        "https://me:hunter2-password@api.test/v2",
        "https://api.test/v2?key=hunter2-password",
        "https://api.test/v2#hunter2-password",
        "https://api.test/v2?a=1#hunter2-password",
        "https://me:hunter2-password@[::1/v2",
        "ftp://me:hunter2-password@api.test/v2",
        "https://me:hunter2?password@api.test/v2",
        "https://api.test:99999999/v2?key=hunter2-password",
        "api.test/v2?key=hunter2-password",
    ],
)
def test_a_bad_url_setting_is_never_quoted_with_its_credentials(setting: str, url: str) -> None:
    options: dict[str, Any] = {"client_id": "app", "client_secret": "s" * 12, setting: url}
    with pytest.raises(ConfigurationError) as caught:
        EvEnergy(**options)
    assert setting in str(caught.value)
    assert "hunter2" not in str(caught.value) + repr(caught.value.args)
