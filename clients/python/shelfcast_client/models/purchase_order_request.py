from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purchase_order_status_enum import PurchaseOrderStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.purchase_order_line_request import PurchaseOrderLineRequest


T = TypeVar("T", bound="PurchaseOrderRequest")


@_attrs_define
class PurchaseOrderRequest:
    """
    Attributes:
        number (str):
        supplier (str):
        location (str):
        lines (list[PurchaseOrderLineRequest]):
        status (PurchaseOrderStatusEnum | Unset): * `draft` - Draft
            * `sent` - Sent
            * `partly_received` - Partly received
            * `received` - Received
            * `cancelled` - Cancelled
        order_date (datetime.date | Unset):
        expected_arrival (datetime.date | None | Unset):
    """

    number: str
    supplier: str
    location: str
    lines: list[PurchaseOrderLineRequest]
    status: PurchaseOrderStatusEnum | Unset = UNSET
    order_date: datetime.date | Unset = UNSET
    expected_arrival: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        supplier = self.supplier

        location = self.location

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        order_date: str | Unset = UNSET
        if not isinstance(self.order_date, Unset):
            order_date = self.order_date.isoformat()

        expected_arrival: None | str | Unset
        if isinstance(self.expected_arrival, Unset):
            expected_arrival = UNSET
        elif isinstance(self.expected_arrival, datetime.date):
            expected_arrival = self.expected_arrival.isoformat()
        else:
            expected_arrival = self.expected_arrival

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "supplier": supplier,
                "location": location,
                "lines": lines,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if order_date is not UNSET:
            field_dict["order_date"] = order_date
        if expected_arrival is not UNSET:
            field_dict["expected_arrival"] = expected_arrival

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.purchase_order_line_request import PurchaseOrderLineRequest

        d = dict(src_dict)
        number = d.pop("number")

        supplier = d.pop("supplier")

        location = d.pop("location")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = PurchaseOrderLineRequest.from_dict(lines_item_data)

            lines.append(lines_item)

        _status = d.pop("status", UNSET)
        status: PurchaseOrderStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PurchaseOrderStatusEnum(_status)

        _order_date = d.pop("order_date", UNSET)
        order_date: datetime.date | Unset
        if isinstance(_order_date, Unset):
            order_date = UNSET
        else:
            order_date = datetime.date.fromisoformat(_order_date)

        def _parse_expected_arrival(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_arrival_type_0 = datetime.date.fromisoformat(data)

                return expected_arrival_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expected_arrival = _parse_expected_arrival(d.pop("expected_arrival", UNSET))

        purchase_order_request = cls(
            number=number,
            supplier=supplier,
            location=location,
            lines=lines,
            status=status,
            order_date=order_date,
            expected_arrival=expected_arrival,
        )

        purchase_order_request.additional_properties = d
        return purchase_order_request

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
