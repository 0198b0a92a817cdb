# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy

with EvEnergy() as client:
    for page in client.evse_sites.list(page_size=50).iter_pages():
        print(len(page.items), page.next_cursor, page.rate_limit)
