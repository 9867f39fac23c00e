from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.service_policy_enum import ServicePolicyEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanningSettings")


@_attrs_define
class PlanningSettings:
    """
    Attributes:
        updated_at (datetime.datetime):
        service_policy (ServicePolicyEnum | Unset): * `store` - One fill rate for the whole store, at the least stock
            value
            * `classes` - A fill rate per class (ABC by revenue, XYZ by variability)
        minimum_fill_rate (str | Unset): With one store-wide fill rate: the least any SKU is held to.
        service_levels (Any | Unset):
        default_lead_time_days (str | Unset): Lead time assumed for a SKU without supplier terms.
        default_lead_time_std_days (str | Unset): Its spread (standard deviation), in days.
        budget (None | str | Unset): Most to spend on the suggested orders of one review; empty = no limit.
        supplier_budgets (Any | Unset): Supplier id -> the most to spend with that supplier in one review.
        overstock_days (int | Unset): Days of cover above which stock is overstock.
        stale_days (int | Unset): Days without new sales or stock data after which a stale-data alert opens.
        alert_minimum_value (str | Unset): Stock-out, overstock and bias alerts worth less than this (money at risk, in
            the store's currency) are not raised; 0 raises them all.
        digest_enabled (bool | Unset): Email owners and planners a morning digest of the open alerts.
    """

    updated_at: datetime.datetime
    service_policy: ServicePolicyEnum | Unset = UNSET
    minimum_fill_rate: str | Unset = UNSET
    service_levels: Any | Unset = UNSET
    default_lead_time_days: str | Unset = UNSET
    default_lead_time_std_days: str | Unset = UNSET
    budget: None | str | Unset = UNSET
    supplier_budgets: Any | Unset = UNSET
    overstock_days: int | Unset = UNSET
    stale_days: int | Unset = UNSET
    alert_minimum_value: str | Unset = UNSET
    digest_enabled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        updated_at = self.updated_at.isoformat()

        service_policy: str | Unset = UNSET
        if not isinstance(self.service_policy, Unset):
            service_policy = self.service_policy.value

        minimum_fill_rate = self.minimum_fill_rate

        service_levels = self.service_levels

        default_lead_time_days = self.default_lead_time_days

        default_lead_time_std_days = self.default_lead_time_std_days

        budget: None | str | Unset
        if isinstance(self.budget, Unset):
            budget = UNSET
        else:
            budget = self.budget

        supplier_budgets = self.supplier_budgets

        overstock_days = self.overstock_days

        stale_days = self.stale_days

        alert_minimum_value = self.alert_minimum_value

        digest_enabled = self.digest_enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "updated_at": updated_at,
            }
        )
        if service_policy is not UNSET:
            field_dict["service_policy"] = service_policy
        if minimum_fill_rate is not UNSET:
            field_dict["minimum_fill_rate"] = minimum_fill_rate
        if service_levels is not UNSET:
            field_dict["service_levels"] = service_levels
        if default_lead_time_days is not UNSET:
            field_dict["default_lead_time_days"] = default_lead_time_days
        if default_lead_time_std_days is not UNSET:
            field_dict["default_lead_time_std_days"] = default_lead_time_std_days
        if budget is not UNSET:
            field_dict["budget"] = budget
        if supplier_budgets is not UNSET:
            field_dict["supplier_budgets"] = supplier_budgets
        if overstock_days is not UNSET:
            field_dict["overstock_days"] = overstock_days
        if stale_days is not UNSET:
            field_dict["stale_days"] = stale_days
        if alert_minimum_value is not UNSET:
            field_dict["alert_minimum_value"] = alert_minimum_value
        if digest_enabled is not UNSET:
            field_dict["digest_enabled"] = digest_enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _service_policy = d.pop("service_policy", UNSET)
        service_policy: ServicePolicyEnum | Unset
        if isinstance(_service_policy, Unset):
            service_policy = UNSET
        else:
            service_policy = ServicePolicyEnum(_service_policy)

        minimum_fill_rate = d.pop("minimum_fill_rate", UNSET)

        service_levels = d.pop("service_levels", UNSET)

        default_lead_time_days = d.pop("default_lead_time_days", UNSET)

        default_lead_time_std_days = d.pop("default_lead_time_std_days", UNSET)

        def _parse_budget(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        budget = _parse_budget(d.pop("budget", UNSET))

        supplier_budgets = d.pop("supplier_budgets", UNSET)

        overstock_days = d.pop("overstock_days", UNSET)

        stale_days = d.pop("stale_days", UNSET)

        alert_minimum_value = d.pop("alert_minimum_value", UNSET)

        digest_enabled = d.pop("digest_enabled", UNSET)

        planning_settings = cls(
            updated_at=updated_at,
            service_policy=service_policy,
            minimum_fill_rate=minimum_fill_rate,
            service_levels=service_levels,
            default_lead_time_days=default_lead_time_days,
            default_lead_time_std_days=default_lead_time_std_days,
            budget=budget,
            supplier_budgets=supplier_budgets,
            overstock_days=overstock_days,
            stale_days=stale_days,
            alert_minimum_value=alert_minimum_value,
            digest_enabled=digest_enabled,
        )

        planning_settings.additional_properties = d
        return planning_settings

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
