from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promotion_kind_enum import PromotionKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Promotion")


@_attrs_define
class Promotion:
    """
    Attributes:
        id (int):
        code (str):
        start_date (datetime.date):
        end_date (datetime.date):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        name (str | Unset):
        sku (None | str | Unset):
        category (str | Unset):
        location (None | str | Unset):
        discount_percent (str | Unset):
        kind (PromotionKindEnum | Unset): * `price_discount` - Price discount
            * `multibuy` - Multi-buy
            * `feature` - Featured / display
            * `other` - Other
    """

    id: int
    code: str
    start_date: datetime.date
    end_date: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: str | Unset = UNSET
    sku: None | str | Unset = UNSET
    category: str | Unset = UNSET
    location: None | str | Unset = UNSET
    discount_percent: str | Unset = UNSET
    kind: PromotionKindEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        code = self.code

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        name = self.name

        sku: None | str | Unset
        if isinstance(self.sku, Unset):
            sku = UNSET
        else:
            sku = self.sku

        category = self.category

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        discount_percent = self.discount_percent

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "code": code,
                "start_date": start_date,
                "end_date": end_date,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if sku is not UNSET:
            field_dict["sku"] = sku
        if category is not UNSET:
            field_dict["category"] = category
        if location is not UNSET:
            field_dict["location"] = location
        if discount_percent is not UNSET:
            field_dict["discount_percent"] = discount_percent
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        code = d.pop("code")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        name = d.pop("name", UNSET)

        def _parse_sku(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sku = _parse_sku(d.pop("sku", UNSET))

        category = d.pop("category", UNSET)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        discount_percent = d.pop("discount_percent", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: PromotionKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = PromotionKindEnum(_kind)

        promotion = cls(
            id=id,
            code=code,
            start_date=start_date,
            end_date=end_date,
            created_at=created_at,
            updated_at=updated_at,
            name=name,
            sku=sku,
            category=category,
            location=location,
            discount_percent=discount_percent,
            kind=kind,
        )

        promotion.additional_properties = d
        return promotion

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
