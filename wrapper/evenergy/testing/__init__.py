"""Test helpers for code that uses evenergy: a fake API that runs in-process, with no network.

    from evenergy.testing import FakeEvEnergyAPI

    def test_counts_sites() -> None:
        fake = FakeEvEnergyAPI(site_count=30)
        with fake.client() as client:
            assert sum(1 for _ in client.evse_sites.list()) == 30

With pytest, the `evenergy_fake` fixture gives a fresh FakeEvEnergyAPI to each test (the plugin
is registered when evenergy is installed).
"""

from ._fake import FAKE_BASE_URL, FakeEvEnergyAPI, make_provider, make_site

__all__ = ["FAKE_BASE_URL", "FakeEvEnergyAPI", "make_provider", "make_site"]
