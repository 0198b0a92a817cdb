"""Test helpers for code that uses evenergy: a fake API that runs in-process, with no network.

    from evenergy.testing import FakeEvEnergyAPI

    def test_counts_sites() -> None:
        fake = FakeEvEnergyAPI(site_count=30)
        with fake.client() as client:
            assert sum(1 for _ in client.evse_sites.list()) == 30

With pytest, the `evenergy_fake` fixture gives a fresh FakeEvEnergyAPI to each test (the plugin
is registered when evenergy is installed; `@pytest.mark.evenergy_fake(site_count=250)` configures
it). `serve(fake)` and `python -m evenergy.testing serve` put a fake on a loopback port, for the
CLI and for code that makes its own HTTP client.
"""

from ._data import FAKE_BASE_URL, make_provider, make_site
from ._fake import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, Fault
from ._server import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeServer, serve

__all__ = [
    "FAKE_ACCESS_TOKEN",
    "FAKE_BASE_URL",
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "FakeEvEnergyAPI",
    "FakeServer",
    "Fault",
    "make_provider",
    "make_site",
    "serve",
]
