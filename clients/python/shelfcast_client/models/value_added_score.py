from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ValueAddedScore")


@_attrs_define
class ValueAddedScore:
    """
    Attributes:
        mae (float | None): Mean absolute error, units.
        wape (float | None): Absolute errors over units sold (null with none sold).
    """

    mae: float | None
    wape: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mae: float | None
        mae = self.mae

        wape: float | None
        wape = self.wape

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mae": mae,
                "wape": wape,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_mae(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mae = _parse_mae(d.pop("mae"))

        def _parse_wape(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        wape = _parse_wape(d.pop("wape"))

        value_added_score = cls(
            mae=mae,
            wape=wape,
        )

        value_added_score.additional_properties = d
        return value_added_score

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
