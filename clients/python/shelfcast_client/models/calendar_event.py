from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.calendar_event_source_enum import CalendarEventSourceEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="CalendarEvent")


@_attrs_define
class CalendarEvent:
    """
    Attributes:
        id (int):
        code (str):
        start_date (datetime.date):
        end_date (datetime.date):
        source (CalendarEventSourceEnum): * `manual` - Entered by hand
            * `public_holidays` - Public holidays
            * `chinese_new_year` - Chinese New Year period
            * `618` - 618 mid-year shopping festival
            * `singles_day` - Singles' Day (11.11)
            * `double_twelve` - 12.12
            * `black_friday` - Black Friday
            * `cyber_monday` - Cyber Monday
            * `christmas` - Christmas shopping period
            * `boxing_day` - Boxing Day sales
            * `end_of_season_sales` - End-of-season sales (winter and summer)
            * `prime_day` - Prime Day
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        name (str | Unset):
        location (None | str | Unset):
    """

    id: int
    code: str
    start_date: datetime.date
    end_date: datetime.date
    source: CalendarEventSourceEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: str | Unset = UNSET
    location: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        code = self.code

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        source = self.source.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        name = self.name

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
                "code": code,
                "start_date": start_date,
                "end_date": end_date,
                "source": source,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        code = d.pop("code")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        source = CalendarEventSourceEnum(d.pop("source"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        name = d.pop("name", UNSET)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        calendar_event = cls(
            id=id,
            code=code,
            start_date=start_date,
            end_date=end_date,
            source=source,
            created_at=created_at,
            updated_at=updated_at,
            name=name,
            location=location,
        )

        calendar_event.additional_properties = d
        return calendar_event

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
