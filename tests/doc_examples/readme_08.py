# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy

with EvEnergy() as client:
    site_id = next(iter(client.evse_sites.list(page_size=1))).id
    patient = client.with_options(timeout=60, max_retries=5)
    site = patient.evse_sites.get(site_id)

    raw = client.evse_sites.with_raw_response.get(site_id)
    print(raw.status_code, raw.headers["EvEnergy-Version"], raw.rate_limit)
    site = raw.parse()  # the EVSESite that get() returns

    first = client.cpms_providers.with_raw_response.list(page_size=10)
    print(len(first.parse().items), first.headers.get("Link"))
