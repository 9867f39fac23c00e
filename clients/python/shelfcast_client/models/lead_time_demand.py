from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LeadTimeDemand")


@_attrs_define
class LeadTimeDemand:
    """Demand summed over a lead time from the forecast's first day, at each of the
    forecast's `levels`: quantiles of the sum (days move together as the series' history
    says), not sums of daily quantiles.

        Attributes:
            days (int):
            quantiles (list[float]):
    """

    days: int
    quantiles: list[float]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        quantiles = self.quantiles

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "quantiles": quantiles,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        days = d.pop("days")

        quantiles = cast(list[float], d.pop("quantiles"))

        lead_time_demand = cls(
            days=days,
            quantiles=quantiles,
        )

        lead_time_demand.additional_properties = d
        return lead_time_demand

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
