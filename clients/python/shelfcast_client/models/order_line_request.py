from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderLineRequest")


@_attrs_define
class OrderLineRequest:
    """No customer field at all: the pseudonym stays inside Shelfcast.

    Attributes:
        order_id (str):
        ordered_at (datetime.datetime):
        date (datetime.date): The merchant-local date of ordered_at.
        sku (str):
        location (str):
        quantity (str):
        unit_price (str):
        line (int | Unset): Which line of this SKU within the order (1 for the first).
        country (str | Unset):
    """

    order_id: str
    ordered_at: datetime.datetime
    date: datetime.date
    sku: str
    location: str
    quantity: str
    unit_price: str
    line: int | Unset = UNSET
    country: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        ordered_at = self.ordered_at.isoformat()

        date = self.date.isoformat()

        sku = self.sku

        location = self.location

        quantity = self.quantity

        unit_price = self.unit_price

        line = self.line

        country = self.country

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "ordered_at": ordered_at,
                "date": date,
                "sku": sku,
                "location": location,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )
        if line is not UNSET:
            field_dict["line"] = line
        if country is not UNSET:
            field_dict["country"] = country

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        ordered_at = datetime.datetime.fromisoformat(d.pop("ordered_at"))

        date = datetime.date.fromisoformat(d.pop("date"))

        sku = d.pop("sku")

        location = d.pop("location")

        quantity = d.pop("quantity")

        unit_price = d.pop("unit_price")

        line = d.pop("line", UNSET)

        country = d.pop("country", UNSET)

        order_line_request = cls(
            order_id=order_id,
            ordered_at=ordered_at,
            date=date,
            sku=sku,
            location=location,
            quantity=quantity,
            unit_price=unit_price,
            line=line,
            country=country,
        )

        order_line_request.additional_properties = d
        return order_line_request

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
