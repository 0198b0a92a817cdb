# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy

with EvEnergy() as client:
    sites = list(client.evse_sites.list())
    budget = client.rate_limit  # None before the first response
    if budget is not None:
        print(f"{budget.remaining} of {budget.limit} requests left this hour")
