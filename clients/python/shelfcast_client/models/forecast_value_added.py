from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.planner_value_added import PlannerValueAdded
    from ..models.value_added import ValueAdded


T = TypeVar("T", bound="ForecastValueAdded")


@_attrs_define
class ForecastValueAdded:
    """Forecast value added over a window of days with sales.

    Attributes:
        from_ (datetime.date | None): The first day measured.
        to (datetime.date | None): The last day measured.
        overall (ValueAdded): Scores of the median of the model, the override and seasonal naive on the SKU-days
            the overrides changed (forecasting/value_added.py).
        planners (list[PlannerValueAdded]): Most SKU-days first.
    """

    from_: datetime.date | None
    to: datetime.date | None
    overall: ValueAdded
    planners: list[PlannerValueAdded]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_: None | str
        if isinstance(self.from_, datetime.date):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        to: None | str
        if isinstance(self.to, datetime.date):
            to = self.to.isoformat()
        else:
            to = self.to

        overall = self.overall.to_dict()

        planners = []
        for planners_item_data in self.planners:
            planners_item = planners_item_data.to_dict()
            planners.append(planners_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "overall": overall,
                "planners": planners,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.planner_value_added import PlannerValueAdded
        from ..models.value_added import ValueAdded

        d = dict(src_dict)

        def _parse_from_(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.date.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        from_ = _parse_from_(d.pop("from"))

        def _parse_to(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.date.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        to = _parse_to(d.pop("to"))

        overall = ValueAdded.from_dict(d.pop("overall"))

        planners = []
        _planners = d.pop("planners")
        for planners_item_data in _planners:
            planners_item = PlannerValueAdded.from_dict(planners_item_data)

            planners.append(planners_item)

        forecast_value_added = cls(
            from_=from_,
            to=to,
            overall=overall,
            planners=planners,
        )

        forecast_value_added.additional_properties = d
        return forecast_value_added

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
