from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.value_added_score import ValueAddedScore


T = TypeVar("T", bound="PlannerValueAdded")


@_attrs_define
class PlannerValueAdded:
    """Scores of the median of the model, the override and seasonal naive on the SKU-days
    the overrides changed (forecasting/value_added.py).

        Attributes:
            sku_days (int):
            actual_units (float):
            model (ValueAddedScore):
            override (ValueAddedScore):
            seasonal_naive (ValueAddedScore):
            value_added (float | None): The model's WAPE less the override's: above 0, the overrides helped.
            value_added_over_naive (float | None): Seasonal naive's WAPE less the override's.
            planner (int | None): The user id of the planner who set the overrides.
            name (str):
    """

    sku_days: int
    actual_units: float
    model: ValueAddedScore
    override: ValueAddedScore
    seasonal_naive: ValueAddedScore
    value_added: float | None
    value_added_over_naive: float | None
    planner: int | None
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku_days = self.sku_days

        actual_units = self.actual_units

        model = self.model.to_dict()

        override = self.override.to_dict()

        seasonal_naive = self.seasonal_naive.to_dict()

        value_added: float | None
        value_added = self.value_added

        value_added_over_naive: float | None
        value_added_over_naive = self.value_added_over_naive

        planner: int | None
        planner = self.planner

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku_days": sku_days,
                "actual_units": actual_units,
                "model": model,
                "override": override,
                "seasonal_naive": seasonal_naive,
                "value_added": value_added,
                "value_added_over_naive": value_added_over_naive,
                "planner": planner,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.value_added_score import ValueAddedScore

        d = dict(src_dict)
        sku_days = d.pop("sku_days")

        actual_units = d.pop("actual_units")

        model = ValueAddedScore.from_dict(d.pop("model"))

        override = ValueAddedScore.from_dict(d.pop("override"))

        seasonal_naive = ValueAddedScore.from_dict(d.pop("seasonal_naive"))

        def _parse_value_added(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_added = _parse_value_added(d.pop("value_added"))

        def _parse_value_added_over_naive(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value_added_over_naive = _parse_value_added_over_naive(
            d.pop("value_added_over_naive")
        )

        def _parse_planner(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        planner = _parse_planner(d.pop("planner"))

        name = d.pop("name")

        planner_value_added = cls(
            sku_days=sku_days,
            actual_units=actual_units,
            model=model,
            override=override,
            seasonal_naive=seasonal_naive,
            value_added=value_added,
            value_added_over_naive=value_added_over_naive,
            planner=planner,
            name=name,
        )

        planner_value_added.additional_properties = d
        return planner_value_added

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
