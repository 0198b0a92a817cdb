# Copied from README.md by scripts/docs_sync.py: edit it there.
import asyncio

from evenergy import AsyncEvEnergy


async def main() -> None:
    async with AsyncEvEnergy() as client:
        async for provider in client.cpms_providers.list():  # no await before list()
            print(provider.id, provider.name)
        ids = [site.id async for site in client.evse_sites.list()]
        sites = await asyncio.gather(*(client.evse_sites.get(i) for i in ids[:5]))
        print(len(sites))


asyncio.run(main())
