from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cpms_provider_id import CPMSProviderId
from ..types import UNSET, Unset

T = TypeVar("T", bound="EVSESite")


@_attrs_define
class EVSESite:
    """A place with one or more EVSEs installed that several users can charge at."""

    id: str
    """ Unique identifier of the site. """
    url: str
    """ Absolute URL of this site in the API. """
    evses: list[str]
    """ URLs of the EVSEs currently associated with this site. """
    cpms_connection: CPMSProviderId | None
    """ The CPMS provider a site is connected to, or null when it has none. """
    cpms_connection_display_name: None | str = None
    """ Human-readable name of the CPMS the site is connected to, if any. """
    user_connected: bool | None = None
    """ Whether the user in context (authorization-code token, or EvEnergy-User under client credentials) is
    connected to this site's CPMS; null when the request has no user context or the site has no CPMS connection. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        evses = self.evses

        cpms_connection: None | str
        if isinstance(self.cpms_connection, CPMSProviderId):
            cpms_connection = self.cpms_connection.value
        else:
            cpms_connection = self.cpms_connection

        cpms_connection_display_name: None | str | Unset
        if isinstance(self.cpms_connection_display_name, Unset):
            cpms_connection_display_name = UNSET
        else:
            cpms_connection_display_name = self.cpms_connection_display_name

        user_connected: bool | None | Unset
        if isinstance(self.user_connected, Unset):
            user_connected = UNSET
        else:
            user_connected = self.user_connected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "evses": evses,
                "cpms_connection": cpms_connection,
            }
        )
        if cpms_connection_display_name is not UNSET:
            field_dict["cpms_connection_display_name"] = cpms_connection_display_name
        if user_connected is not UNSET:
            field_dict["user_connected"] = user_connected

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        evses = cast(list[str], d.pop("evses"))

        def _parse_cpms_connection(data: object) -> CPMSProviderId | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_cpms_connection_type_0 = CPMSProviderId(data)

                return componentsschemas_cpms_connection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CPMSProviderId | None, data)

        cpms_connection = _parse_cpms_connection(d.pop("cpms_connection"))

        cpms_connection_display_name = cast(None | str, d.pop("cpms_connection_display_name", None))

        user_connected = cast(bool | None, d.pop("user_connected", None))

        evse_site = cls(
            id=id,
            url=url,
            evses=evses,
            cpms_connection=cpms_connection,
            cpms_connection_display_name=cpms_connection_display_name,
            user_connected=user_connected,
        )

        evse_site.additional_properties = d
        return evse_site

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
