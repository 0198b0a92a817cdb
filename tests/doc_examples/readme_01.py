# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy

with EvEnergy() as client:  # settings from the EVENERGY_* variables
    for site in client.evse_sites.list():
        print(site.id, site.cpms_connection)
