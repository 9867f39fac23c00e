from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model_version_status_enum import ModelVersionStatusEnum

T = TypeVar("T", bound="ModelVersion")


@_attrs_define
class ModelVersion:
    """The fine-tuned transformer a run used, with its backtest against the base model and
    the baselines (``metrics``).

        Attributes:
            id (int):
            status (ModelVersionStatusEnum): * `active` - Active
                * `rejected` - Rejected
                * `retired` - Retired
            mode (str): lora or full fine-tuning
            trained_through (datetime.date | None): The last day of history the served weights saw.
            metrics (Any):
            created_at (datetime.datetime):
            activated_at (datetime.datetime | None):
    """

    id: int
    status: ModelVersionStatusEnum
    mode: str
    trained_through: datetime.date | None
    metrics: Any
    created_at: datetime.datetime
    activated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        mode = self.mode

        trained_through: None | str
        if isinstance(self.trained_through, datetime.date):
            trained_through = self.trained_through.isoformat()
        else:
            trained_through = self.trained_through

        metrics = self.metrics

        created_at = self.created_at.isoformat()

        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "mode": mode,
                "trained_through": trained_through,
                "metrics": metrics,
                "created_at": created_at,
                "activated_at": activated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        status = ModelVersionStatusEnum(d.pop("status"))

        mode = d.pop("mode")

        def _parse_trained_through(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trained_through_type_0 = datetime.date.fromisoformat(data)

                return trained_through_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        trained_through = _parse_trained_through(d.pop("trained_through"))

        metrics = d.pop("metrics")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

        model_version = cls(
            id=id,
            status=status,
            mode=mode,
            trained_through=trained_through,
            metrics=metrics,
            created_at=created_at,
            activated_at=activated_at,
        )

        model_version.additional_properties = d
        return model_version

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
