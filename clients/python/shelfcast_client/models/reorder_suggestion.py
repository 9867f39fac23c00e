from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.limit_enum import LimitEnum
from ..models.reorder_suggestion_status_enum import ReorderSuggestionStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReorderSuggestion")


@_attrs_define
class ReorderSuggestion:
    """
    Attributes:
        id (int):
        forecast_run (int):
        sku (str):
        location (str):
        status (ReorderSuggestionStatusEnum): * `proposed` - Proposed
            * `approved` - Approved
            * `rejected` - Rejected
            * `superseded` - Superseded
        service_class (str): ABC x XYZ, e.g. AX
        target_fill_rate (str):
        on_hand (str):
        on_order (str):
        committed (str):
        lead_time_days (str):
        lead_demand (str): Expected demand over lead time.
        cycle_demand (str): Expected demand over lead time + review period.
        safety_stock (str):
        reorder_point (str):
        order_up_to (str):
        needed (str):
        pack_size (str):
        moq (str):
        suggested_quantity (str):
        quantity (str): What will be ordered (editable).
        unit_cost (str):
        cost (str):
        expected_fill_rate (str):
        shortfall_scale (str): What the expected units short were multiplied by, learnt from the store's past orders;
            the expected fill rate is read with it.
        days_of_cover (None | str):
        value (str): Margin protected from lost sales minus holding cost, per review.
        cut_by_budget (bool):
        limit (BlankEnum | LimitEnum): Why the quantity differs from what the fill-rate target asked for.

            * `` - Within limits
            * `capped_at_overstock` - Cut back to the overstock limit
            * `moq_forces_overstock` - The MOQ forces cover past the overstock limit
            * `pack_forces_overstock` - One pack forces cover past the overstock limit
        reason (str): Why it was rejected.
        deferred_until (datetime.date | None): Left off the orders page until this day; the next plans keep it deferred.
        decided_at (datetime.datetime | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        supplier (None | str | Unset):
    """

    id: int
    forecast_run: int
    sku: str
    location: str
    status: ReorderSuggestionStatusEnum
    service_class: str
    target_fill_rate: str
    on_hand: str
    on_order: str
    committed: str
    lead_time_days: str
    lead_demand: str
    cycle_demand: str
    safety_stock: str
    reorder_point: str
    order_up_to: str
    needed: str
    pack_size: str
    moq: str
    suggested_quantity: str
    quantity: str
    unit_cost: str
    cost: str
    expected_fill_rate: str
    shortfall_scale: str
    days_of_cover: None | str
    value: str
    cut_by_budget: bool
    limit: BlankEnum | LimitEnum
    reason: str
    deferred_until: datetime.date | None
    decided_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    supplier: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        forecast_run = self.forecast_run

        sku = self.sku

        location = self.location

        status = self.status.value

        service_class = self.service_class

        target_fill_rate = self.target_fill_rate

        on_hand = self.on_hand

        on_order = self.on_order

        committed = self.committed

        lead_time_days = self.lead_time_days

        lead_demand = self.lead_demand

        cycle_demand = self.cycle_demand

        safety_stock = self.safety_stock

        reorder_point = self.reorder_point

        order_up_to = self.order_up_to

        needed = self.needed

        pack_size = self.pack_size

        moq = self.moq

        suggested_quantity = self.suggested_quantity

        quantity = self.quantity

        unit_cost = self.unit_cost

        cost = self.cost

        expected_fill_rate = self.expected_fill_rate

        shortfall_scale = self.shortfall_scale

        days_of_cover: None | str
        days_of_cover = self.days_of_cover

        value = self.value

        cut_by_budget = self.cut_by_budget

        limit: str
        if isinstance(self.limit, LimitEnum):
            limit = self.limit.value
        else:
            limit = self.limit.value

        reason = self.reason

        deferred_until: None | str
        if isinstance(self.deferred_until, datetime.date):
            deferred_until = self.deferred_until.isoformat()
        else:
            deferred_until = self.deferred_until

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        supplier: None | str | Unset
        if isinstance(self.supplier, Unset):
            supplier = UNSET
        else:
            supplier = self.supplier

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "forecast_run": forecast_run,
                "sku": sku,
                "location": location,
                "status": status,
                "service_class": service_class,
                "target_fill_rate": target_fill_rate,
                "on_hand": on_hand,
                "on_order": on_order,
                "committed": committed,
                "lead_time_days": lead_time_days,
                "lead_demand": lead_demand,
                "cycle_demand": cycle_demand,
                "safety_stock": safety_stock,
                "reorder_point": reorder_point,
                "order_up_to": order_up_to,
                "needed": needed,
                "pack_size": pack_size,
                "moq": moq,
                "suggested_quantity": suggested_quantity,
                "quantity": quantity,
                "unit_cost": unit_cost,
                "cost": cost,
                "expected_fill_rate": expected_fill_rate,
                "shortfall_scale": shortfall_scale,
                "days_of_cover": days_of_cover,
                "value": value,
                "cut_by_budget": cut_by_budget,
                "limit": limit,
                "reason": reason,
                "deferred_until": deferred_until,
                "decided_at": decided_at,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if supplier is not UNSET:
            field_dict["supplier"] = supplier

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        forecast_run = d.pop("forecast_run")

        sku = d.pop("sku")

        location = d.pop("location")

        status = ReorderSuggestionStatusEnum(d.pop("status"))

        service_class = d.pop("service_class")

        target_fill_rate = d.pop("target_fill_rate")

        on_hand = d.pop("on_hand")

        on_order = d.pop("on_order")

        committed = d.pop("committed")

        lead_time_days = d.pop("lead_time_days")

        lead_demand = d.pop("lead_demand")

        cycle_demand = d.pop("cycle_demand")

        safety_stock = d.pop("safety_stock")

        reorder_point = d.pop("reorder_point")

        order_up_to = d.pop("order_up_to")

        needed = d.pop("needed")

        pack_size = d.pop("pack_size")

        moq = d.pop("moq")

        suggested_quantity = d.pop("suggested_quantity")

        quantity = d.pop("quantity")

        unit_cost = d.pop("unit_cost")

        cost = d.pop("cost")

        expected_fill_rate = d.pop("expected_fill_rate")

        shortfall_scale = d.pop("shortfall_scale")

        def _parse_days_of_cover(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        days_of_cover = _parse_days_of_cover(d.pop("days_of_cover"))

        value = d.pop("value")

        cut_by_budget = d.pop("cut_by_budget")

        def _parse_limit(data: object) -> BlankEnum | LimitEnum:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                limit_type_0 = LimitEnum(data)

                return limit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            limit_type_1 = BlankEnum(data)

            return limit_type_1

        limit = _parse_limit(d.pop("limit"))

        reason = d.pop("reason")

        def _parse_deferred_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deferred_until_type_0 = datetime.date.fromisoformat(data)

                return deferred_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        deferred_until = _parse_deferred_until(d.pop("deferred_until"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_supplier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        supplier = _parse_supplier(d.pop("supplier", UNSET))

        reorder_suggestion = cls(
            id=id,
            forecast_run=forecast_run,
            sku=sku,
            location=location,
            status=status,
            service_class=service_class,
            target_fill_rate=target_fill_rate,
            on_hand=on_hand,
            on_order=on_order,
            committed=committed,
            lead_time_days=lead_time_days,
            lead_demand=lead_demand,
            cycle_demand=cycle_demand,
            safety_stock=safety_stock,
            reorder_point=reorder_point,
            order_up_to=order_up_to,
            needed=needed,
            pack_size=pack_size,
            moq=moq,
            suggested_quantity=suggested_quantity,
            quantity=quantity,
            unit_cost=unit_cost,
            cost=cost,
            expected_fill_rate=expected_fill_rate,
            shortfall_scale=shortfall_scale,
            days_of_cover=days_of_cover,
            value=value,
            cut_by_budget=cut_by_budget,
            limit=limit,
            reason=reason,
            deferred_until=deferred_until,
            decided_at=decided_at,
            created_at=created_at,
            updated_at=updated_at,
            supplier=supplier,
        )

        reorder_suggestion.additional_properties = d
        return reorder_suggestion

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
