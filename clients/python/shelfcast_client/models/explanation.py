from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.explanation_group import ExplanationGroup


T = TypeVar("T", bound="Explanation")


@_attrs_define
class Explanation:
    """SHAP values of the forecast's median summed over its first ``days`` days: from
    ``base_value`` to ``forecast``, what each group of features adds.

        Attributes:
            days (int):
            model (str):
            base_value (float):
            forecast (float):
            groups (list[ExplanationGroup]):
    """

    days: int
    model: str
    base_value: float
    forecast: float
    groups: list[ExplanationGroup]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        model = self.model

        base_value = self.base_value

        forecast = self.forecast

        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "model": model,
                "base_value": base_value,
                "forecast": forecast,
                "groups": groups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.explanation_group import ExplanationGroup

        d = dict(src_dict)
        days = d.pop("days")

        model = d.pop("model")

        base_value = d.pop("base_value")

        forecast = d.pop("forecast")

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = ExplanationGroup.from_dict(groups_item_data)

            groups.append(groups_item)

        explanation = cls(
            days=days,
            model=model,
            base_value=base_value,
            forecast=forecast,
            groups=groups,
        )

        explanation.additional_properties = d
        return explanation

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
