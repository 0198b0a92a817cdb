# Copied from README.md by scripts/docs_sync.py: edit it there.
from evenergy import EvEnergy, EVSESite, RateLimitError


def handle(site: EVSESite) -> None:  # your code
    print(site.id)


resume_from: str | None = None  # in real code, kept in a file or a database
with EvEnergy() as client:
    try:
        for site in client.evse_sites.list(page_after=resume_from):
            handle(site)
    except RateLimitError as error:
        resume_from = error.page_after  # where the page that failed starts
        print("budget spent; resume after", resume_from, "in", error.retry_after, "s")
