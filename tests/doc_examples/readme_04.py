# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import APIConnectionError, EvEnergy, EvEnergyError, NotFoundError, RateLimitError

with EvEnergy() as client:
    try:
        site = client.evse_sites.get("site01JX2SZ0WAFTDYVYY0JRAYREY7")
    except NotFoundError as error:
        print(error.status_code, error.problem.title if error.problem else "")
    except RateLimitError as error:
        print("retry in", error.retry_after, "seconds")
    except APIConnectionError as error:
        print("network:", error)
    except EvEnergyError as error:  # everything else the SDK raises
        print(error)
