# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy, NotFoundError


def resume_point(client: EvEnergy, stored_id: str | None) -> str | None:
    """Where to resume a walk: after `stored_id` if that site still exists, else the start."""
    if stored_id is None:
        return None
    try:
        client.evse_sites.get(stored_id)
    except NotFoundError:
        return None  # gone: walk from the start, and skip what you already handled
    return stored_id


with EvEnergy() as client:
    start = resume_point(client, "site01JX2SZ0WAFTDYVYY0JRAYREY7")
    for site in client.evse_sites.list(page_after=start):
        print(site.id)
