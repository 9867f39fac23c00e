from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StockLevelRequest")


@_attrs_define
class StockLevelRequest:
    """
    Attributes:
        sku (str):
        location (str):
        on_hand (str):
        as_of (datetime.datetime):
        committed (str | Unset): Units on hand allocated to open customer orders, not yet shipped.
    """

    sku: str
    location: str
    on_hand: str
    as_of: datetime.datetime
    committed: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location = self.location

        on_hand = self.on_hand

        as_of = self.as_of.isoformat()

        committed = self.committed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "location": location,
                "on_hand": on_hand,
                "as_of": as_of,
            }
        )
        if committed is not UNSET:
            field_dict["committed"] = committed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sku = d.pop("sku")

        location = d.pop("location")

        on_hand = d.pop("on_hand")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        committed = d.pop("committed", UNSET)

        stock_level_request = cls(
            sku=sku,
            location=location,
            on_hand=on_hand,
            as_of=as_of,
            committed=committed,
        )

        stock_level_request.additional_properties = d
        return stock_level_request

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
