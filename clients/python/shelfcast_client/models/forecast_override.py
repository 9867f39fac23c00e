from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_override_kind_enum import ForecastOverrideKindEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.forecast_override_event import ForecastOverrideEvent


T = TypeVar("T", bound="ForecastOverride")


@_attrs_define
class ForecastOverride:
    """A planner's override of a SKU's forecast (forecasting/overrides.py says how it changes
    the forecast). Written by SKU and location codes; ``location`` null is every location.

        Attributes:
            id (int):
            sku (str): The SKU's code.
            start_date (datetime.date): The first day of demand it changes.
            end_date (datetime.date): The last day of demand it changes.
            kind (ForecastOverrideKindEnum): * `value` - Units per day
                * `percent` - Percent change
            amount (str): Units per day (value), or the change in percent (percent: 20 is 20% more, -30 is 30% less).
            reason (str):
            expires_on (datetime.date): The last day it is in force.
            state (str): On the store's today: `in_force` (changes forecasts from today), `ended`, `expired`, or `over` (its
                days have passed).
            created_by (None | str):
            created_at (datetime.datetime):
            ended_by (None | str):
            ended_at (datetime.datetime | None):
            updated_at (datetime.datetime):
            events (list[ForecastOverrideEvent]): The audit: every change, newest first.
            location (None | str | Unset): The location's code; null (or left out): every location of the SKU.
    """

    id: int
    sku: str
    start_date: datetime.date
    end_date: datetime.date
    kind: ForecastOverrideKindEnum
    amount: str
    reason: str
    expires_on: datetime.date
    state: str
    created_by: None | str
    created_at: datetime.datetime
    ended_by: None | str
    ended_at: datetime.datetime | None
    updated_at: datetime.datetime
    events: list[ForecastOverrideEvent]
    location: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        sku = self.sku

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        kind = self.kind.value

        amount = self.amount

        reason = self.reason

        expires_on = self.expires_on.isoformat()

        state = self.state

        created_by: None | str
        created_by = self.created_by

        created_at = self.created_at.isoformat()

        ended_by: None | str
        ended_by = self.ended_by

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        updated_at = self.updated_at.isoformat()

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "sku": sku,
                "start_date": start_date,
                "end_date": end_date,
                "kind": kind,
                "amount": amount,
                "reason": reason,
                "expires_on": expires_on,
                "state": state,
                "created_by": created_by,
                "created_at": created_at,
                "ended_by": ended_by,
                "ended_at": ended_at,
                "updated_at": updated_at,
                "events": events,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.forecast_override_event import ForecastOverrideEvent

        d = dict(src_dict)
        id = d.pop("id")

        sku = d.pop("sku")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        kind = ForecastOverrideKindEnum(d.pop("kind"))

        amount = d.pop("amount")

        reason = d.pop("reason")

        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        state = d.pop("state")

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_ended_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ended_by = _parse_ended_by(d.pop("ended_by"))

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = ForecastOverrideEvent.from_dict(events_item_data)

            events.append(events_item)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        forecast_override = cls(
            id=id,
            sku=sku,
            start_date=start_date,
            end_date=end_date,
            kind=kind,
            amount=amount,
            reason=reason,
            expires_on=expires_on,
            state=state,
            created_by=created_by,
            created_at=created_at,
            ended_by=ended_by,
            ended_at=ended_at,
            updated_at=updated_at,
            events=events,
            location=location,
        )

        forecast_override.additional_properties = d
        return forecast_override

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
