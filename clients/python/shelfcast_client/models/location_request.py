from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.location_kind_enum import LocationKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="LocationRequest")


@_attrs_define
class LocationRequest:
    """
    Attributes:
        code (str):
        name (str):
        kind (LocationKindEnum | Unset): * `warehouse` - Warehouse
            * `store` - Store
        active (bool | Unset):
    """

    code: str
    name: str
    kind: LocationKindEnum | Unset = UNSET
    active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        _kind = d.pop("kind", UNSET)
        kind: LocationKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = LocationKindEnum(_kind)

        active = d.pop("active", UNSET)

        location_request = cls(
            code=code,
            name=name,
            kind=kind,
            active=active,
        )

        location_request.additional_properties = d
        return location_request

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
