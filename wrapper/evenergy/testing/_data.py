"""Test data as the API sends it: realistic EVSE sites and CPMS providers.

Everything is checked against the schema, so that a test never feeds the SDK something the real
API could not send.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

import attrs

from evenergy_openapi.models import CPMSProvider, CPMSProviderId, EVSESite

from .._constants import DEFAULT_BASE_URL
from .._resource_base import field_names

FAKE_BASE_URL = DEFAULT_BASE_URL  # the fake answers on the live API's URLs

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PROVIDER_NAMES = {"CHARGEPOINT": "ChargePoint", "SWTCH": "SWTCH Energy"}
# The id patterns of openapi.yaml (tests/unit/test_fake_conforms.py checks that they agree).
SITE_ID_PATTERN = r"^site[A-Z\d]{26}$"
PROVIDER_ID_PATTERN = r"^[A-Z][A-Z0-9_]*$"


def _ulid(rng: random.Random) -> str:
    return "01" + "".join(rng.choice(_CROCKFORD) for _ in range(24))


def _required(model: type) -> list[str]:
    return [f.name for f in attrs.fields(model) if f.default is attrs.NOTHING]


def checked(model: type[EVSESite] | type[CPMSProvider], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` as a JSON-ready dict, or ValueError naming the field that does not fit the schema.

    Every required field of the schema must be there, none other, each of its type; an optional
    one left out is filled in as null, as the API sends it. Ids must have the API's form.
    """
    name = model.__name__
    known = field_names(model)
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"{name} has no field {unknown[0]!r} (its fields: {', '.join(known)})")
    missing = [field for field in _required(model) if field not in data]
    if missing:
        raise ValueError(f"{name} needs the field {missing[0]!r}")
    # An optional field left out is sent as null, as the API does: a field added to the schema
    # later appears in every fake item without a test having to name it.
    data = {field: None for field in known} | dict(data)
    try:
        model.from_dict(dict(data))
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{name}: {error}") from None
    pattern = SITE_ID_PATTERN if model is EVSESite else PROVIDER_ID_PATTERN
    if not re.fullmatch(pattern, data["id"]):
        raise ValueError(f"{name} field 'id' must match {pattern}, got {data['id']!r}")
    return {field: data[field] for field in known}


def make_site(*, rng: random.Random | None = None, **fields: Any) -> dict[str, Any]:
    """A realistic EVSE site, as the API would send it (a JSON-ready dict).

    Any field of the schema can be given (`id`, `cpms_connection`, `evses`, ...); the others are
    made up, from `rng` when given. The result is checked: a field that does not fit the schema
    is a ValueError naming it.
    """
    rng = rng or random.Random()
    site_id = fields.get("id") or f"site{_ulid(rng)}"
    connection = fields.get("cpms_connection", "CHARGEPOINT")
    # Built as the model, so that mypy checks every field name used here against the schema.
    site = EVSESite(
        id=site_id,
        url=f"{FAKE_BASE_URL}/evse_sites/{site_id}",
        evses=[f"{FAKE_BASE_URL}/evses/evse{_ulid(rng)}" for _ in range(2)],
        cpms_connection=None if connection is None else CPMSProviderId.parse(str(connection)),
        cpms_connection_display_name=PROVIDER_NAMES.get(connection or "", connection),
        user_connected=None,
    )
    return checked(EVSESite, {**site.to_dict(), **fields})


def make_provider(provider_id: str = "CHARGEPOINT", /, **fields: Any) -> dict[str, Any]:
    """A CPMS provider, as the API would send it (a JSON-ready dict); checked as `make_site`."""
    provider_id = fields.get("id", provider_id)
    provider = CPMSProvider(
        id=CPMSProviderId.parse(provider_id),
        url=f"{FAKE_BASE_URL}/cpms_providers/{provider_id}/",
        name=PROVIDER_NAMES.get(provider_id, provider_id.title()),
        icon=None,
    )
    return checked(CPMSProvider, {**provider.to_dict(), **fields})
