from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.festivals_enum import FestivalsEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="CalendarPresetRequest")


@_attrs_define
class CalendarPresetRequest:
    """The built-in calendars of one location (``location`` null: every location). Read, and
    the body of a create, which replaces the location's choice (`inventory.calendars`).

        Attributes:
            location (None | str | Unset):
            country (str | Unset):  Default: ''.
            subdivision (str | Unset):  Default: ''.
            public_holidays (bool | Unset):  Default: True.
            festivals (list[FestivalsEnum] | Unset):
            prime_day_dates (list[list[datetime.date]] | Unset): Prime Day spans as [first day, last day]; events only on
                these dates.
    """

    location: None | str | Unset = UNSET
    country: str | Unset = ""
    subdivision: str | Unset = ""
    public_holidays: bool | Unset = True
    festivals: list[FestivalsEnum] | Unset = UNSET
    prime_day_dates: list[list[datetime.date]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        country = self.country

        subdivision = self.subdivision

        public_holidays = self.public_holidays

        festivals: list[str] | Unset = UNSET
        if not isinstance(self.festivals, Unset):
            festivals = []
            for festivals_item_data in self.festivals:
                festivals_item = festivals_item_data.value
                festivals.append(festivals_item)

        prime_day_dates: list[list[str]] | Unset = UNSET
        if not isinstance(self.prime_day_dates, Unset):
            prime_day_dates = []
            for prime_day_dates_item_data in self.prime_day_dates:
                prime_day_dates_item = []
                for prime_day_dates_item_item_data in prime_day_dates_item_data:
                    prime_day_dates_item_item = (
                        prime_day_dates_item_item_data.isoformat()
                    )
                    prime_day_dates_item.append(prime_day_dates_item_item)

                prime_day_dates.append(prime_day_dates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if location is not UNSET:
            field_dict["location"] = location
        if country is not UNSET:
            field_dict["country"] = country
        if subdivision is not UNSET:
            field_dict["subdivision"] = subdivision
        if public_holidays is not UNSET:
            field_dict["public_holidays"] = public_holidays
        if festivals is not UNSET:
            field_dict["festivals"] = festivals
        if prime_day_dates is not UNSET:
            field_dict["prime_day_dates"] = prime_day_dates

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        country = d.pop("country", UNSET)

        subdivision = d.pop("subdivision", UNSET)

        public_holidays = d.pop("public_holidays", UNSET)

        _festivals = d.pop("festivals", UNSET)
        festivals: list[FestivalsEnum] | Unset = UNSET
        if _festivals is not UNSET:
            festivals = []
            for festivals_item_data in _festivals:
                festivals_item = FestivalsEnum(festivals_item_data)

                festivals.append(festivals_item)

        _prime_day_dates = d.pop("prime_day_dates", UNSET)
        prime_day_dates: list[list[datetime.date]] | Unset = UNSET
        if _prime_day_dates is not UNSET:
            prime_day_dates = []
            for prime_day_dates_item_data in _prime_day_dates:
                prime_day_dates_item = []
                _prime_day_dates_item = prime_day_dates_item_data
                for prime_day_dates_item_item_data in _prime_day_dates_item:
                    prime_day_dates_item_item = datetime.date.fromisoformat(
                        prime_day_dates_item_item_data
                    )

                    prime_day_dates_item.append(prime_day_dates_item_item)

                prime_day_dates.append(prime_day_dates_item)

        calendar_preset_request = cls(
            location=location,
            country=country,
            subdivision=subdivision,
            public_holidays=public_holidays,
            festivals=festivals,
            prime_day_dates=prime_day_dates,
        )

        calendar_preset_request.additional_properties = d
        return calendar_preset_request

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
