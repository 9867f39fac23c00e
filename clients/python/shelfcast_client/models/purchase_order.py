from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purchase_order_source_enum import PurchaseOrderSourceEnum
from ..models.purchase_order_status_enum import PurchaseOrderStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.purchase_order_line import PurchaseOrderLine


T = TypeVar("T", bound="PurchaseOrder")


@_attrs_define
class PurchaseOrder:
    """
    Attributes:
        id (int):
        number (str):
        supplier (str):
        location (str):
        lines (list[PurchaseOrderLine]):
        source (PurchaseOrderSourceEnum): * `imported` - Imported
            * `suggested` - From approved suggestions
        currency (str): ISO 4217; blank = store's
        total (str): Quantity ordered times unit cost, over the lines that have a unit cost.
        sent_at (datetime.datetime | None):
        emailed_at (datetime.datetime | None): When the email left; set once, so it is sent once.
        email_error (str):
        received_at (datetime.datetime | None):
        cancelled_at (datetime.datetime | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        status (PurchaseOrderStatusEnum | Unset): * `draft` - Draft
            * `sent` - Sent
            * `partly_received` - Partly received
            * `received` - Received
            * `cancelled` - Cancelled
        order_date (datetime.date | Unset):
        expected_arrival (datetime.date | None | Unset):
    """

    id: int
    number: str
    supplier: str
    location: str
    lines: list[PurchaseOrderLine]
    source: PurchaseOrderSourceEnum
    currency: str
    total: str
    sent_at: datetime.datetime | None
    emailed_at: datetime.datetime | None
    email_error: str
    received_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    status: PurchaseOrderStatusEnum | Unset = UNSET
    order_date: datetime.date | Unset = UNSET
    expected_arrival: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        number = self.number

        supplier = self.supplier

        location = self.location

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        source = self.source.value

        currency = self.currency

        total = self.total

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        emailed_at: None | str
        if isinstance(self.emailed_at, datetime.datetime):
            emailed_at = self.emailed_at.isoformat()
        else:
            emailed_at = self.emailed_at

        email_error = self.email_error

        received_at: None | str
        if isinstance(self.received_at, datetime.datetime):
            received_at = self.received_at.isoformat()
        else:
            received_at = self.received_at

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

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
                "id": id,
                "number": number,
                "supplier": supplier,
                "location": location,
                "lines": lines,
                "source": source,
                "currency": currency,
                "total": total,
                "sent_at": sent_at,
                "emailed_at": emailed_at,
                "email_error": email_error,
                "received_at": received_at,
                "cancelled_at": cancelled_at,
                "created_at": created_at,
                "updated_at": updated_at,
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
        from ..models.purchase_order_line import PurchaseOrderLine

        d = dict(src_dict)
        id = d.pop("id")

        number = d.pop("number")

        supplier = d.pop("supplier")

        location = d.pop("location")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = PurchaseOrderLine.from_dict(lines_item_data)

            lines.append(lines_item)

        source = PurchaseOrderSourceEnum(d.pop("source"))

        currency = d.pop("currency")

        total = d.pop("total")

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        def _parse_emailed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                emailed_at_type_0 = datetime.datetime.fromisoformat(data)

                return emailed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        emailed_at = _parse_emailed_at(d.pop("emailed_at"))

        email_error = d.pop("email_error")

        def _parse_received_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                received_at_type_0 = datetime.datetime.fromisoformat(data)

                return received_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        received_at = _parse_received_at(d.pop("received_at"))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        purchase_order = cls(
            id=id,
            number=number,
            supplier=supplier,
            location=location,
            lines=lines,
            source=source,
            currency=currency,
            total=total,
            sent_at=sent_at,
            emailed_at=emailed_at,
            email_error=email_error,
            received_at=received_at,
            cancelled_at=cancelled_at,
            created_at=created_at,
            updated_at=updated_at,
            status=status,
            order_date=order_date,
            expected_arrival=expected_arrival,
        )

        purchase_order.additional_properties = d
        return purchase_order

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
