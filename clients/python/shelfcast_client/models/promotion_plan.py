from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promotion_plan_status_enum import PromotionPlanStatusEnum

T = TypeVar("T", bound="PromotionPlan")


@_attrs_define
class PromotionPlan:
    """
    Attributes:
        id (int):
        forecast_run (int):
        sku (str):
        location (str):
        status (PromotionPlanStatusEnum): * `proposed` - Proposed
            * `accepted` - Accepted
            * `dismissed` - Dismissed
            * `superseded` - Superseded
        start_date (datetime.date):
        end_date (datetime.date):
        target_date (datetime.date): The day by which the excess should be gone.
        discount_percent (str):
        on_hand (str):
        keep (str): The most to hold on the target day.
        uplift (str): Demand multiplier during the promotion.
        uplift_low (None | str): Demand multiplier: low end of its 90% interval.
        uplift_high (None | str): Demand multiplier: high end of its 90% interval.
        elasticity (str):
        estimate_source (str): Whose history the uplift comes from: sku, category, store.
        evidence_days (int):
        model_uplift (None | str): What the forecasting model expects the promotion to lift demand by.
        expected_units (str):
        expected_revenue (str):
        expected_margin (str):
        expected_stock_left (str):
        baseline_units (str):
        baseline_revenue (str):
        baseline_margin (str):
        baseline_stock_left (str):
        clears_excess (bool):
        promotion (int | None): The promotion created when the plan was accepted.
        decided_at (datetime.datetime | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    forecast_run: int
    sku: str
    location: str
    status: PromotionPlanStatusEnum
    start_date: datetime.date
    end_date: datetime.date
    target_date: datetime.date
    discount_percent: str
    on_hand: str
    keep: str
    uplift: str
    uplift_low: None | str
    uplift_high: None | str
    elasticity: str
    estimate_source: str
    evidence_days: int
    model_uplift: None | str
    expected_units: str
    expected_revenue: str
    expected_margin: str
    expected_stock_left: str
    baseline_units: str
    baseline_revenue: str
    baseline_margin: str
    baseline_stock_left: str
    clears_excess: bool
    promotion: int | None
    decided_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        forecast_run = self.forecast_run

        sku = self.sku

        location = self.location

        status = self.status.value

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        target_date = self.target_date.isoformat()

        discount_percent = self.discount_percent

        on_hand = self.on_hand

        keep = self.keep

        uplift = self.uplift

        uplift_low: None | str
        uplift_low = self.uplift_low

        uplift_high: None | str
        uplift_high = self.uplift_high

        elasticity = self.elasticity

        estimate_source = self.estimate_source

        evidence_days = self.evidence_days

        model_uplift: None | str
        model_uplift = self.model_uplift

        expected_units = self.expected_units

        expected_revenue = self.expected_revenue

        expected_margin = self.expected_margin

        expected_stock_left = self.expected_stock_left

        baseline_units = self.baseline_units

        baseline_revenue = self.baseline_revenue

        baseline_margin = self.baseline_margin

        baseline_stock_left = self.baseline_stock_left

        clears_excess = self.clears_excess

        promotion: int | None
        promotion = self.promotion

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "forecast_run": forecast_run,
                "sku": sku,
                "location": location,
                "status": status,
                "start_date": start_date,
                "end_date": end_date,
                "target_date": target_date,
                "discount_percent": discount_percent,
                "on_hand": on_hand,
                "keep": keep,
                "uplift": uplift,
                "uplift_low": uplift_low,
                "uplift_high": uplift_high,
                "elasticity": elasticity,
                "estimate_source": estimate_source,
                "evidence_days": evidence_days,
                "model_uplift": model_uplift,
                "expected_units": expected_units,
                "expected_revenue": expected_revenue,
                "expected_margin": expected_margin,
                "expected_stock_left": expected_stock_left,
                "baseline_units": baseline_units,
                "baseline_revenue": baseline_revenue,
                "baseline_margin": baseline_margin,
                "baseline_stock_left": baseline_stock_left,
                "clears_excess": clears_excess,
                "promotion": promotion,
                "decided_at": decided_at,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        forecast_run = d.pop("forecast_run")

        sku = d.pop("sku")

        location = d.pop("location")

        status = PromotionPlanStatusEnum(d.pop("status"))

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        target_date = datetime.date.fromisoformat(d.pop("target_date"))

        discount_percent = d.pop("discount_percent")

        on_hand = d.pop("on_hand")

        keep = d.pop("keep")

        uplift = d.pop("uplift")

        def _parse_uplift_low(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        uplift_low = _parse_uplift_low(d.pop("uplift_low"))

        def _parse_uplift_high(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        uplift_high = _parse_uplift_high(d.pop("uplift_high"))

        elasticity = d.pop("elasticity")

        estimate_source = d.pop("estimate_source")

        evidence_days = d.pop("evidence_days")

        def _parse_model_uplift(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model_uplift = _parse_model_uplift(d.pop("model_uplift"))

        expected_units = d.pop("expected_units")

        expected_revenue = d.pop("expected_revenue")

        expected_margin = d.pop("expected_margin")

        expected_stock_left = d.pop("expected_stock_left")

        baseline_units = d.pop("baseline_units")

        baseline_revenue = d.pop("baseline_revenue")

        baseline_margin = d.pop("baseline_margin")

        baseline_stock_left = d.pop("baseline_stock_left")

        clears_excess = d.pop("clears_excess")

        def _parse_promotion(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        promotion = _parse_promotion(d.pop("promotion"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        promotion_plan = cls(
            id=id,
            forecast_run=forecast_run,
            sku=sku,
            location=location,
            status=status,
            start_date=start_date,
            end_date=end_date,
            target_date=target_date,
            discount_percent=discount_percent,
            on_hand=on_hand,
            keep=keep,
            uplift=uplift,
            uplift_low=uplift_low,
            uplift_high=uplift_high,
            elasticity=elasticity,
            estimate_source=estimate_source,
            evidence_days=evidence_days,
            model_uplift=model_uplift,
            expected_units=expected_units,
            expected_revenue=expected_revenue,
            expected_margin=expected_margin,
            expected_stock_left=expected_stock_left,
            baseline_units=baseline_units,
            baseline_revenue=baseline_revenue,
            baseline_margin=baseline_margin,
            baseline_stock_left=baseline_stock_left,
            clears_excess=clears_excess,
            promotion=promotion,
            decided_at=decided_at,
            created_at=created_at,
            updated_at=updated_at,
        )

        promotion_plan.additional_properties = d
        return promotion_plan

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
