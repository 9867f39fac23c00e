from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_override_kind_enum import ForecastOverrideKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedForecastOverrideRequest")


@_attrs_define
class PatchedForecastOverrideRequest:
    """A planner's override of a SKU's forecast (forecasting/overrides.py says how it changes
    the forecast). Written by SKU and location codes; ``location`` null is every location.

        Attributes:
            sku (str | Unset): The SKU's code.
            location (None | str | Unset): The location's code; null (or left out): every location of the SKU.
            start_date (datetime.date | Unset): The first day of demand it changes.
            end_date (datetime.date | Unset): The last day of demand it changes.
            kind (ForecastOverrideKindEnum | Unset): * `value` - Units per day
                * `percent` - Percent change
            amount (str | Unset): Units per day (value), or the change in percent (percent: 20 is 20% more, -30 is 30%
                less).
            reason (str | Unset):
            expires_on (datetime.date | Unset): The last day it is in force.
    """

    sku: str | Unset = UNSET
    location: None | str | Unset = UNSET
    start_date: datetime.date | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    kind: ForecastOverrideKindEnum | Unset = UNSET
    amount: str | Unset = UNSET
    reason: str | Unset = UNSET
    expires_on: datetime.date | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        amount = self.amount

        reason = self.reason

        expires_on: str | Unset = UNSET
        if not isinstance(self.expires_on, Unset):
            expires_on = self.expires_on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sku is not UNSET:
            field_dict["sku"] = sku
        if location is not UNSET:
            field_dict["location"] = location
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if kind is not UNSET:
            field_dict["kind"] = kind
        if amount is not UNSET:
            field_dict["amount"] = amount
        if reason is not UNSET:
            field_dict["reason"] = reason
        if expires_on is not UNSET:
            field_dict["expires_on"] = expires_on

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sku = d.pop("sku", UNSET)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.date | Unset
        if isinstance(_start_date, Unset):
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.date | Unset
        if isinstance(_end_date, Unset):
            end_date = UNSET
        else:
            end_date = datetime.date.fromisoformat(_end_date)

        _kind = d.pop("kind", UNSET)
        kind: ForecastOverrideKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ForecastOverrideKindEnum(_kind)

        amount = d.pop("amount", UNSET)

        reason = d.pop("reason", UNSET)

        _expires_on = d.pop("expires_on", UNSET)
        expires_on: datetime.date | Unset
        if isinstance(_expires_on, Unset):
            expires_on = UNSET
        else:
            expires_on = datetime.date.fromisoformat(_expires_on)

        patched_forecast_override_request = cls(
            sku=sku,
            location=location,
            start_date=start_date,
            end_date=end_date,
            kind=kind,
            amount=amount,
            reason=reason,
            expires_on=expires_on,
        )

        patched_forecast_override_request.additional_properties = d
        return patched_forecast_override_request

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
