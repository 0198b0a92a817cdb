"""List every EVSE site and CPMS provider of the local mock through evenergy and its CLI."""

from __future__ import annotations

import os
import subprocess
import sys

from evenergy import EvEnergy, EvEnergyError
from mock_server import MockServerError, running


def show(base_url: str) -> None:
    # Prism checks only that a bearer token is present; the live API needs a real one.
    with EvEnergy(access_token="demo-token", base_url=base_url) as client:
        print(f"EVSE sites at {base_url}")
        print(f"  {'id':<30} {'CPMS connection':<16} {'CPMS name':<16} EVSEs")
        for site in client.evse_sites.list():
            print(
                f"  {site.id:<30} {site.cpms_connection or '-':<16} "
                f"{site.cpms_connection_display_name or '-':<16} {len(site.evses)}"
            )
        print("\nCPMS providers")
        print(f"  {'id':<16} name")
        for provider in client.cpms_providers.list():
            print(f"  {provider.id:<16} {provider.name}")
        if client.rate_limit is not None:
            limit = client.rate_limit
            print(f"\nRate limit: {limit.remaining} of {limit.limit} requests left this hour")


def show_cli(base_url: str) -> None:
    env = {**os.environ, "EVENERGY_ACCESS_TOKEN": "demo-token", "EVENERGY_BASE_URL": base_url}
    for command in (["sites", "list"], ["providers", "get", "CHARGEPOINT"]):
        print(f"\n$ evenergy {' '.join(command)}", flush=True)
        subprocess.run([sys.executable, "-m", "evenergy", *command], env=env, check=True)


def main() -> int:
    try:
        with running() as base_url:
            show(base_url)
            show_cli(base_url)
    except (MockServerError, EvEnergyError, subprocess.CalledProcessError) as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
