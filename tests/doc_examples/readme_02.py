# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy, NotFoundError

with EvEnergy() as client:  # or EvEnergy(client_id="...", client_secret="...")
    for site in client.evse_sites.list():  # every site, page by page, lazily
        print(site.id, site.cpms_connection_display_name)

    try:
        site = client.evse_sites.get("site01JX2SZ0WAFTDYVYY0JRAYREY7")
    except NotFoundError as error:
        print(error)

    for provider in client.cpms_providers.list():
        print(provider.id, provider.name)
