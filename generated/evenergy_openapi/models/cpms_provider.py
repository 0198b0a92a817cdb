from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cpms_provider_id import CPMSProviderId

T = TypeVar("T", bound="CPMSProvider")


_new = object.__new__

_KNOWN_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "url",
        "name",
        "icon",
    }
)


@_attrs_define
class CPMSProvider:
    """A charge-point management system that ev.energy integrates with."""

    id: CPMSProviderId
    """ Code of a CPMS provider. The API adds providers over time: clients must accept codes they do not know yet.
    """
    url: str
    """ Absolute URL of this provider in the API. """
    name: str
    """ Display name of the provider. """
    icon: None | str
    """ URL of the provider's icon, if it has one. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id.value

        url = self.url

        name = self.name

        icon: None | str
        icon = self.icon

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "name": name,
                "icon": icon,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = src_dict
        id = CPMSProviderId.parse(d["id"])

        url = d["url"]
        if not isinstance(url, str):
            raise TypeError("url should be str, not " + type(url).__name__)

        name = d["name"]
        if not isinstance(name, str):
            raise TypeError("name should be str, not " + type(name).__name__)

        icon: None | str = d["icon"]

        if icon is not None and not isinstance(icon, str):
            raise TypeError("icon should be None | str, not " + type(icon).__name__)

        # The fields are set directly: attrs' __init__ (keyword arguments, a default factory)
        # cost a third of from_dict on every item of every page, and does nothing else here.
        _instance = _new(cls)
        _instance.id = id
        _instance.url = url
        _instance.name = name
        _instance.icon = icon
        _instance.additional_properties = {}

        if not d.keys() <= _KNOWN_FIELDS:  # most items carry no unknown field: no copy then
            _instance.additional_properties = {
                key: value for key, value in d.items() if key not in _KNOWN_FIELDS
            }
        return _instance

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
