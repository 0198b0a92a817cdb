"""The operations of openapi.yaml that the SDK exposes, and where: one declaration each.

This table is the only hand-written place an operation is named. `scripts/generate` reads it with
openapi.yaml and renders `_resources.py`: every resource's classes (sync, async, raw response),
their typed methods, and an `Endpoint` per operation with what openapi.yaml says of it (path,
model, parameters). The CLI's commands, the fake's routes and the contract suite's SDK calls are
made from those endpoints at run time. README.md, "Adding an operation", has the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Resource:
    """A group of operations: `client.<attribute>` and `evenergy <command>`."""

    attribute: str
    """The clients' attribute, such as `evse_sites`; also the openapi.yaml path's first part."""
    summary: str
    """What the resource is, in one sentence: the classes' and the CLI group's help."""
    command: str
    """The CLI group, such as `sites`; also the noun of its messages ("120 sites")."""
    singular: str
    """One item, for help texts: "EVSE site"."""
    example_id: str
    """An id for the CLI's help examples."""

    @property
    def class_name(self) -> str:
        """The sync resource class, such as `EvseSites` (and so `AsyncEvseSites`, ...)."""
        return "".join(word.capitalize() for word in self.attribute.split("_"))


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation of openapi.yaml (its operationId) as the method `method` of a resource.

    `list` operations page (openapi.yaml answers an array with a Link header) and take the
    page_* parameters; `get` operations take one path parameter, the item's id.
    """

    operation_id: str
    resource: Resource
    method: Literal["list", "get"]
    doc: str
    """The sync method's docstring; the async and raw-response twins refer to it."""


EVSE_SITES = Resource(
    attribute="evse_sites",
    summary="EVSE sites: places with one or more EVSEs that several users can charge at.",
    command="sites",
    singular="EVSE site",
    example_id="site01JX2SZ0WAFTDYVYY0JRAYREY7",
)
CPMS_PROVIDERS = Resource(
    attribute="cpms_providers",
    summary="CPMS providers: the charge-point management systems ev.energy integrates with.",
    command="providers",
    singular="CPMS provider",
    example_id="CHARGEPOINT",
)

OPERATIONS = (
    Operation(
        "list_evse_sites",
        EVSE_SITES,
        "list",
        doc="""Iterate over EVSE sites lazily, page by page (see `SyncPaginator`).

        `page_size` is the number of sites per request, 1 to 100; by default the largest the API
        allows (100), which spends the least of the hourly rate-limit budget. A value outside
        1..100 raises ValueError here, before any request. `user` (a user id or URL) overrides the
        client's EvEnergy-User for every page.

        The walk starts at the first site, or after the site whose id is `page_after`: to resume
        an interrupted walk, pass the id of the last site you processed. With `page_before` it
        walks backward from the site before that id, yielding sites in reverse order. Both are
        checked like ids, and giving both is a ValueError, before any request. An error raised
        while fetching a page has `page_after` or `page_before` set to that page's cursor.
        """,
    ),
    Operation(
        "get_evse_site",
        EVSE_SITES,
        "get",
        doc="Retrieve one EVSE site by id; `user` overrides the client's EvEnergy-User.",
    ),
    Operation(
        "list_cpms_providers",
        CPMS_PROVIDERS,
        "list",
        doc="""Iterate over CPMS providers lazily, page by page (see `SyncPaginator`).

        `page_size`, `page_after` and `page_before` are as for `EvseSites.list`; a provider's
        cursor is its code (such as "CHARGEPOINT").
        """,
    ),
    Operation(
        "get_cpms_provider",
        CPMS_PROVIDERS,
        "get",
        doc='Retrieve one CPMS provider by its code (such as "CHARGEPOINT"), known or new.',
    ),
)
