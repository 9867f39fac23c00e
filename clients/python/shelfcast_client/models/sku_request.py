from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SKURequest")


@_attrs_define
class SKURequest:
    """
    Attributes:
        code (str):
        name (str):
        description (str | Unset):
        category (str | Unset):
        brand (str | Unset):
        unit_price (None | str | Unset):
        unit_cost (None | str | Unset):
        active (bool | Unset):
    """

    code: str
    name: str
    description: str | Unset = UNSET
    category: str | Unset = UNSET
    brand: str | Unset = UNSET
    unit_price: None | str | Unset = UNSET
    unit_cost: None | str | Unset = UNSET
    active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        description = self.description

        category = self.category

        brand = self.brand

        unit_price: None | str | Unset
        if isinstance(self.unit_price, Unset):
            unit_price = UNSET
        else:
            unit_price = self.unit_price

        unit_cost: None | str | Unset
        if isinstance(self.unit_cost, Unset):
            unit_cost = UNSET
        else:
            unit_cost = self.unit_cost

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if category is not UNSET:
            field_dict["category"] = category
        if brand is not UNSET:
            field_dict["brand"] = brand
        if unit_price is not UNSET:
            field_dict["unit_price"] = unit_price
        if unit_cost is not UNSET:
            field_dict["unit_cost"] = unit_cost
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        description = d.pop("description", UNSET)

        category = d.pop("category", UNSET)

        brand = d.pop("brand", UNSET)

        def _parse_unit_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_price = _parse_unit_price(d.pop("unit_price", UNSET))

        def _parse_unit_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost", UNSET))

        active = d.pop("active", UNSET)

        sku_request = cls(
            code=code,
            name=name,
            description=description,
            category=category,
            brand=brand,
            unit_price=unit_price,
            unit_cost=unit_cost,
            active=active,
        )

        sku_request.additional_properties = d
        return sku_request

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
