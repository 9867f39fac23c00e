from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_kind_enum import AlertKindEnum
from ..models.state_enum import StateEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Alert")


@_attrs_define
class Alert:
    """
    Attributes:
        id (int):
        kind (AlertKindEnum): * `stock_out` - Projected stock-out
            * `overstock` - Overstock
            * `anomaly` - Demand anomaly
            * `bias` - Forecast bias
            * `stale_data` - Stale data
            * `failed_job` - Failed job
        title (str):
        state (StateEnum): * `open` - Open
            * `acknowledged` - Acknowledged
            * `snoozed` - Snoozed
            * `resolved` - Resolved
        snoozed_until (datetime.date | None):
        money_at_risk (str):
        money_basis (str): How the money at risk was worked out.
        details (Any):
        forecast_run (int | None): The run that last found the cause.
        opened_at (datetime.datetime):
        updated_at (datetime.datetime):
        handled_at (datetime.datetime | None):
        resolved_at (datetime.datetime | None):
        sku (None | str | Unset):
        location (None | str | Unset):
        supplier (None | str | Unset):
    """

    id: int
    kind: AlertKindEnum
    title: str
    state: StateEnum
    snoozed_until: datetime.date | None
    money_at_risk: str
    money_basis: str
    details: Any
    forecast_run: int | None
    opened_at: datetime.datetime
    updated_at: datetime.datetime
    handled_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    sku: None | str | Unset = UNSET
    location: None | str | Unset = UNSET
    supplier: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        title = self.title

        state = self.state.value

        snoozed_until: None | str
        if isinstance(self.snoozed_until, datetime.date):
            snoozed_until = self.snoozed_until.isoformat()
        else:
            snoozed_until = self.snoozed_until

        money_at_risk = self.money_at_risk

        money_basis = self.money_basis

        details = self.details

        forecast_run: int | None
        forecast_run = self.forecast_run

        opened_at = self.opened_at.isoformat()

        updated_at = self.updated_at.isoformat()

        handled_at: None | str
        if isinstance(self.handled_at, datetime.datetime):
            handled_at = self.handled_at.isoformat()
        else:
            handled_at = self.handled_at

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        sku: None | str | Unset
        if isinstance(self.sku, Unset):
            sku = UNSET
        else:
            sku = self.sku

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

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
                "kind": kind,
                "title": title,
                "state": state,
                "snoozed_until": snoozed_until,
                "money_at_risk": money_at_risk,
                "money_basis": money_basis,
                "details": details,
                "forecast_run": forecast_run,
                "opened_at": opened_at,
                "updated_at": updated_at,
                "handled_at": handled_at,
                "resolved_at": resolved_at,
            }
        )
        if sku is not UNSET:
            field_dict["sku"] = sku
        if location is not UNSET:
            field_dict["location"] = location
        if supplier is not UNSET:
            field_dict["supplier"] = supplier

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = AlertKindEnum(d.pop("kind"))

        title = d.pop("title")

        state = StateEnum(d.pop("state"))

        def _parse_snoozed_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                snoozed_until_type_0 = datetime.date.fromisoformat(data)

                return snoozed_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        snoozed_until = _parse_snoozed_until(d.pop("snoozed_until"))

        money_at_risk = d.pop("money_at_risk")

        money_basis = d.pop("money_basis")

        details = d.pop("details")

        def _parse_forecast_run(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        forecast_run = _parse_forecast_run(d.pop("forecast_run"))

        opened_at = datetime.datetime.fromisoformat(d.pop("opened_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_handled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                handled_at_type_0 = datetime.datetime.fromisoformat(data)

                return handled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        handled_at = _parse_handled_at(d.pop("handled_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_sku(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sku = _parse_sku(d.pop("sku", UNSET))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_supplier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        supplier = _parse_supplier(d.pop("supplier", UNSET))

        alert = cls(
            id=id,
            kind=kind,
            title=title,
            state=state,
            snoozed_until=snoozed_until,
            money_at_risk=money_at_risk,
            money_basis=money_basis,
            details=details,
            forecast_run=forecast_run,
            opened_at=opened_at,
            updated_at=updated_at,
            handled_at=handled_at,
            resolved_at=resolved_at,
            sku=sku,
            location=location,
            supplier=supplier,
        )

        alert.additional_properties = d
        return alert

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
