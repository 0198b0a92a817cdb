"""An id goes into the request path percent-encoded, whatever its characters.

The generated request builders leave an id of ASCII letters and digits as it is and encode any
other with `urllib.parse.quote(id, safe="")`; these properties hold both ways to what quote()
alone gives, in the builder and on the wire.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from evenergy import EvEnergy
from evenergy_openapi.api.cpms_providers import get_cpms_provider
from evenergy_openapi.api.evse_sites import get_evse_site
from harness import ACCESS_TOKEN, BASE_URL, PROVIDER, SITE_ID, site

ids = st.text() | st.text(alphabet="abcXYZ0189٣²ⅷé/?#%. ~-_", max_size=12)


@given(ids)
@example("site01JX2SZ0WAFTDYVYY0JRAYREY7")
@example("٣")  # a digit, and alphanumeric, but not ASCII
@example("a/b")
@example("")
def test_the_builders_encode_an_id_as_quote_does(identifier: str) -> None:
    encoded = quote(identifier, safe="")
    assert get_evse_site.build_request(identifier)["url"] == f"/evse_sites/{encoded}"
    assert get_cpms_provider.build_request(identifier)["url"] == f"/cpms_providers/{encoded}"


usable_ids = st.text(min_size=1, max_size=40).filter(
    lambda text: text.isprintable() and " " not in text and text not in (".", "..")
)  # what check_id lets through: the rest is refused before any request


@given(usable_ids)
@example("site01JX2SZ0WAFTDYVYY0JRAYREY7")
@example("a/../b?c#d%2F")
def test_the_request_sent_carries_the_encoded_id(identifier: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        provider = request.url.raw_path.startswith(b"/v2/cpms_providers/")
        body = PROVIDER if provider else site(1, id=SITE_ID)
        return httpx.Response(200, json=body)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with http, EvEnergy(access_token=ACCESS_TOKEN, base_url=BASE_URL, http_client=http) as client:
        client.evse_sites.get(identifier)
        client.cpms_providers.get(identifier)
    encoded = quote(identifier, safe="").encode()
    assert [request.url.raw_path for request in sent] == [
        b"/v2/evse_sites/" + encoded,
        b"/v2/cpms_providers/" + encoded,
    ]
