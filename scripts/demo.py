"""A tour of evenergy against a local fake of the API: a walk over pages, a 404, the budget.

The fake (evenergy.testing) is served over HTTP on loopback, so the client and the CLI talk to
it exactly as they talk to the API.
"""

from __future__ import annotations

import os
import subprocess
import sys

from evenergy import EvEnergy, EvEnergyError, NotFoundError, RateLimitError
from evenergy.testing import FakeEvEnergyAPI, FakeServer, serve

SITES = 250
BUDGET = 8  # requests per "hour": small, so that the demo reaches the end of it


def show(server: FakeServer) -> None:
    env = server.environment()
    with EvEnergy(base_url=server.base_url, access_token=env["EVENERGY_ACCESS_TOKEN"]) as client:
        print(f"Walking {SITES} EVSE sites at {server.base_url}, 100 a page:")
        for number, page in enumerate(client.evse_sites.list().iter_pages(), start=1):
            budget = page.rate_limit
            left = f"{budget.remaining} of {budget.limit} requests left" if budget else ""
            print(
                f"  page {number}: {len(page.items)} sites, next cursor {page.next_cursor}; {left}"
            )
        try:
            client.evse_sites.get("site01AAAAAAAAAAAAAAAAAAAAAAAA")
        except NotFoundError as error:
            print(f"\nA site that does not exist: {error}")
        print("\nSpending the rest of the budget:")
        try:
            while True:
                client.cpms_providers.get("CHARGEPOINT")
                if client.rate_limit is not None:
                    print(f"  {client.rate_limit.remaining} requests left")
        except RateLimitError as error:
            print(f"  then {error.status_code}: come back in {error.retry_after:g} s")


def show_cli(server: FakeServer) -> None:
    env = {**os.environ, **server.environment()}
    server.fake.reset_rate_limit()  # a new hour
    for command in (
        ["sites", "list", "--limit", "5", "--format", "table"],
        ["providers", "get", "CHARGEPOINT"],
    ):
        print(f"\n$ evenergy {' '.join(command)}", flush=True)
        subprocess.run([sys.executable, "-m", "evenergy", *command], env=env, check=True)


def main() -> int:
    fake = FakeEvEnergyAPI(site_count=SITES, rate_limit=BUDGET)
    try:
        with serve(fake) as server:
            show(server)
            show_cli(server)
    except (EvEnergyError, subprocess.CalledProcessError) as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
