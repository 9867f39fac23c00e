from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explanation import Explanation
    from ..models.forecast_day import ForecastDay
    from ..models.lead_time_demand import LeadTimeDemand
    from ..models.model_version import ModelVersion


T = TypeVar("T", bound="Forecast")


@_attrs_define
class Forecast:
    """
    Attributes:
        id (int):
        run (int):
        sku (str): The SKU's code.
        location (str): The location's code.
        first_date (datetime.date):
        model (str): The model the backtest chose for this series (a baseline, `transformer`, or an ensemble of them
            joined by `+`).
        model_version (ModelVersion | None): The fine-tuned transformer of the run; null: the shipped base model.
        levels (list[float]): The quantile levels, lowest first: each day's `quantiles` follow them.
        days (list[ForecastDay]): Each day of the horizon from `first_date`.
        backtest_wql (float | None): The chosen model's weighted quantile loss on the held-out weeks it was chosen on
            (lower is better).
        naive_wql (float | None): Seasonal naive's loss on the same weeks.
        improvement (float | None): 1 - backtest_wql / naive_wql: how much better than seasonal naive the chosen model
            backtested; null without both scores.
        path_correlation (float): Day-to-day correlation of demand shocks, for sums over a lead time.
        path_common_share (float): The share of a demand path's draw it keeps for the whole horizon, fitted on the held-
            out weeks the model was chosen on, for sums over a lead time.
        explanation (Explanation | None): Null until a worker has explained the forecast (the portal asks for it when
            the SKU's page is opened; the nightly run for SKUs with an alert or a suggestion).
        lead_time_demand (LeadTimeDemand | None): Given when asked for, with `lead_time_days`; else null.
        updated_at (datetime.datetime):
    """

    id: int
    run: int
    sku: str
    location: str
    first_date: datetime.date
    model: str
    model_version: ModelVersion | None
    levels: list[float]
    days: list[ForecastDay]
    backtest_wql: float | None
    naive_wql: float | None
    improvement: float | None
    path_correlation: float
    path_common_share: float
    explanation: Explanation | None
    lead_time_demand: LeadTimeDemand | None
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.explanation import Explanation
        from ..models.lead_time_demand import LeadTimeDemand
        from ..models.model_version import ModelVersion

        id = self.id

        run = self.run

        sku = self.sku

        location = self.location

        first_date = self.first_date.isoformat()

        model = self.model

        model_version: dict[str, Any] | None
        if isinstance(self.model_version, ModelVersion):
            model_version = self.model_version.to_dict()
        else:
            model_version = self.model_version

        levels = self.levels

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        backtest_wql: float | None
        backtest_wql = self.backtest_wql

        naive_wql: float | None
        naive_wql = self.naive_wql

        improvement: float | None
        improvement = self.improvement

        path_correlation = self.path_correlation

        path_common_share = self.path_common_share

        explanation: dict[str, Any] | None
        if isinstance(self.explanation, Explanation):
            explanation = self.explanation.to_dict()
        else:
            explanation = self.explanation

        lead_time_demand: dict[str, Any] | None
        if isinstance(self.lead_time_demand, LeadTimeDemand):
            lead_time_demand = self.lead_time_demand.to_dict()
        else:
            lead_time_demand = self.lead_time_demand

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "run": run,
                "sku": sku,
                "location": location,
                "first_date": first_date,
                "model": model,
                "model_version": model_version,
                "levels": levels,
                "days": days,
                "backtest_wql": backtest_wql,
                "naive_wql": naive_wql,
                "improvement": improvement,
                "path_correlation": path_correlation,
                "path_common_share": path_common_share,
                "explanation": explanation,
                "lead_time_demand": lead_time_demand,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation import Explanation
        from ..models.forecast_day import ForecastDay
        from ..models.lead_time_demand import LeadTimeDemand
        from ..models.model_version import ModelVersion

        d = dict(src_dict)
        id = d.pop("id")

        run = d.pop("run")

        sku = d.pop("sku")

        location = d.pop("location")

        first_date = datetime.date.fromisoformat(d.pop("first_date"))

        model = d.pop("model")

        def _parse_model_version(data: object) -> ModelVersion | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_version_type_1 = ModelVersion.from_dict(data)

                return model_version_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelVersion | None, data)

        model_version = _parse_model_version(d.pop("model_version"))

        levels = cast(list[float], d.pop("levels"))

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = ForecastDay.from_dict(days_item_data)

            days.append(days_item)

        def _parse_backtest_wql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        backtest_wql = _parse_backtest_wql(d.pop("backtest_wql"))

        def _parse_naive_wql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        naive_wql = _parse_naive_wql(d.pop("naive_wql"))

        def _parse_improvement(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        improvement = _parse_improvement(d.pop("improvement"))

        path_correlation = d.pop("path_correlation")

        path_common_share = d.pop("path_common_share")

        def _parse_explanation(data: object) -> Explanation | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                explanation_type_1 = Explanation.from_dict(data)

                return explanation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Explanation | None, data)

        explanation = _parse_explanation(d.pop("explanation"))

        def _parse_lead_time_demand(data: object) -> LeadTimeDemand | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lead_time_demand_type_1 = LeadTimeDemand.from_dict(data)

                return lead_time_demand_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LeadTimeDemand | None, data)

        lead_time_demand = _parse_lead_time_demand(d.pop("lead_time_demand"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        forecast = cls(
            id=id,
            run=run,
            sku=sku,
            location=location,
            first_date=first_date,
            model=model,
            model_version=model_version,
            levels=levels,
            days=days,
            backtest_wql=backtest_wql,
            naive_wql=naive_wql,
            improvement=improvement,
            path_correlation=path_correlation,
            path_common_share=path_common_share,
            explanation=explanation,
            lead_time_demand=lead_time_demand,
            updated_at=updated_at,
        )

        forecast.additional_properties = d
        return forecast

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
