from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PurchaseOrderLineRequest")


@_attrs_define
class PurchaseOrderLineRequest:
    """
    Attributes:
        sku (str):
        quantity_ordered (str):
        quantity_received (str | Unset):
        unit_cost (None | str | Unset):
    """

    sku: str
    quantity_ordered: str
    quantity_received: str | Unset = UNSET
    unit_cost: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        quantity_ordered = self.quantity_ordered

        quantity_received = self.quantity_received

        unit_cost: None | str | Unset
        if isinstance(self.unit_cost, Unset):
            unit_cost = UNSET
        else:
            unit_cost = self.unit_cost

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "quantity_ordered": quantity_ordered,
            }
        )
        if quantity_received is not UNSET:
            field_dict["quantity_received"] = quantity_received
        if unit_cost is not UNSET:
            field_dict["unit_cost"] = unit_cost

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sku = d.pop("sku")

        quantity_ordered = d.pop("quantity_ordered")

        quantity_received = d.pop("quantity_received", UNSET)

        def _parse_unit_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost", UNSET))

        purchase_order_line_request = cls(
            sku=sku,
            quantity_ordered=quantity_ordered,
            quantity_received=quantity_received,
            unit_cost=unit_cost,
        )

        purchase_order_line_request.additional_properties = d
        return purchase_order_line_request

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
