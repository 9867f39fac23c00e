from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_override_kind_enum import ForecastOverrideKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ForecastOverrideRequest")


@_attrs_define
class ForecastOverrideRequest:
    """A planner's override of a SKU's forecast (forecasting/overrides.py says how it changes
    the forecast). Written by SKU and location codes; ``location`` null is every location.

        Attributes:
            sku (str): The SKU's code.
            start_date (datetime.date): The first day of demand it changes.
            end_date (datetime.date): The last day of demand it changes.
            kind (ForecastOverrideKindEnum): * `value` - Units per day
                * `percent` - Percent change
            amount (str): Units per day (value), or the change in percent (percent: 20 is 20% more, -30 is 30% less).
            reason (str):
            expires_on (datetime.date): The last day it is in force.
            location (None | str | Unset): The location's code; null (or left out): every location of the SKU.
    """

    sku: str
    start_date: datetime.date
    end_date: datetime.date
    kind: ForecastOverrideKindEnum
    amount: str
    reason: str
    expires_on: datetime.date
    location: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        kind = self.kind.value

        amount = self.amount

        reason = self.reason

        expires_on = self.expires_on.isoformat()

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "start_date": start_date,
                "end_date": end_date,
                "kind": kind,
                "amount": amount,
                "reason": reason,
                "expires_on": expires_on,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sku = d.pop("sku")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        kind = ForecastOverrideKindEnum(d.pop("kind"))

        amount = d.pop("amount")

        reason = d.pop("reason")

        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        forecast_override_request = cls(
            sku=sku,
            start_date=start_date,
            end_date=end_date,
            kind=kind,
            amount=amount,
            reason=reason,
            expires_on=expires_on,
            location=location,
        )

        forecast_override_request.additional_properties = d
        return forecast_override_request

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
