from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SalesDayRequest")


@_attrs_define
class SalesDayRequest:
    """
    Attributes:
        sku (str):
        location (str):
        date (datetime.date):
        units (str):
        units_returned (str | Unset):
        revenue (str | Unset):
        average_price (None | str | Unset):
        customers (int | None | Unset): Distinct (pseudonymous) customers; a count only.
        on_promotion (bool | Unset):
        stock_out (bool | Unset): No stock that day: low sales are not low demand.
    """

    sku: str
    location: str
    date: datetime.date
    units: str
    units_returned: str | Unset = UNSET
    revenue: str | Unset = UNSET
    average_price: None | str | Unset = UNSET
    customers: int | None | Unset = UNSET
    on_promotion: bool | Unset = UNSET
    stock_out: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location = self.location

        date = self.date.isoformat()

        units = self.units

        units_returned = self.units_returned

        revenue = self.revenue

        average_price: None | str | Unset
        if isinstance(self.average_price, Unset):
            average_price = UNSET
        else:
            average_price = self.average_price

        customers: int | None | Unset
        if isinstance(self.customers, Unset):
            customers = UNSET
        else:
            customers = self.customers

        on_promotion = self.on_promotion

        stock_out = self.stock_out

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "location": location,
                "date": date,
                "units": units,
            }
        )
        if units_returned is not UNSET:
            field_dict["units_returned"] = units_returned
        if revenue is not UNSET:
            field_dict["revenue"] = revenue
        if average_price is not UNSET:
            field_dict["average_price"] = average_price
        if customers is not UNSET:
            field_dict["customers"] = customers
        if on_promotion is not UNSET:
            field_dict["on_promotion"] = on_promotion
        if stock_out is not UNSET:
            field_dict["stock_out"] = stock_out

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sku = d.pop("sku")

        location = d.pop("location")

        date = datetime.date.fromisoformat(d.pop("date"))

        units = d.pop("units")

        units_returned = d.pop("units_returned", UNSET)

        revenue = d.pop("revenue", UNSET)

        def _parse_average_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        average_price = _parse_average_price(d.pop("average_price", UNSET))

        def _parse_customers(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        customers = _parse_customers(d.pop("customers", UNSET))

        on_promotion = d.pop("on_promotion", UNSET)

        stock_out = d.pop("stock_out", UNSET)

        sales_day_request = cls(
            sku=sku,
            location=location,
            date=date,
            units=units,
            units_returned=units_returned,
            revenue=revenue,
            average_price=average_price,
            customers=customers,
            on_promotion=on_promotion,
            stock_out=stock_out,
        )

        sales_day_request.additional_properties = d
        return sales_day_request

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
