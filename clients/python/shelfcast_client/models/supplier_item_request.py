from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SupplierItemRequest")


@_attrs_define
class SupplierItemRequest:
    """
    Attributes:
        supplier (str):
        sku (str):
        supplier_code (str | Unset):
        lead_time_mean_days (str | Unset):
        lead_time_std_days (str | Unset):
        moq (str | Unset):
        pack_size (str | Unset):
        unit_cost (None | str | Unset):
        is_primary (bool | Unset):
    """

    supplier: str
    sku: str
    supplier_code: str | Unset = UNSET
    lead_time_mean_days: str | Unset = UNSET
    lead_time_std_days: str | Unset = UNSET
    moq: str | Unset = UNSET
    pack_size: str | Unset = UNSET
    unit_cost: None | str | Unset = UNSET
    is_primary: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        supplier = self.supplier

        sku = self.sku

        supplier_code = self.supplier_code

        lead_time_mean_days = self.lead_time_mean_days

        lead_time_std_days = self.lead_time_std_days

        moq = self.moq

        pack_size = self.pack_size

        unit_cost: None | str | Unset
        if isinstance(self.unit_cost, Unset):
            unit_cost = UNSET
        else:
            unit_cost = self.unit_cost

        is_primary = self.is_primary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "supplier": supplier,
                "sku": sku,
            }
        )
        if supplier_code is not UNSET:
            field_dict["supplier_code"] = supplier_code
        if lead_time_mean_days is not UNSET:
            field_dict["lead_time_mean_days"] = lead_time_mean_days
        if lead_time_std_days is not UNSET:
            field_dict["lead_time_std_days"] = lead_time_std_days
        if moq is not UNSET:
            field_dict["moq"] = moq
        if pack_size is not UNSET:
            field_dict["pack_size"] = pack_size
        if unit_cost is not UNSET:
            field_dict["unit_cost"] = unit_cost
        if is_primary is not UNSET:
            field_dict["is_primary"] = is_primary

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        supplier = d.pop("supplier")

        sku = d.pop("sku")

        supplier_code = d.pop("supplier_code", UNSET)

        lead_time_mean_days = d.pop("lead_time_mean_days", UNSET)

        lead_time_std_days = d.pop("lead_time_std_days", UNSET)

        moq = d.pop("moq", UNSET)

        pack_size = d.pop("pack_size", UNSET)

        def _parse_unit_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost", UNSET))

        is_primary = d.pop("is_primary", UNSET)

        supplier_item_request = cls(
            supplier=supplier,
            sku=sku,
            supplier_code=supplier_code,
            lead_time_mean_days=lead_time_mean_days,
            lead_time_std_days=lead_time_std_days,
            moq=moq,
            pack_size=pack_size,
            unit_cost=unit_cost,
            is_primary=is_primary,
        )

        supplier_item_request.additional_properties = d
        return supplier_item_request

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
