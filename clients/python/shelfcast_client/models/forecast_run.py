from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_run_status_enum import ForecastRunStatusEnum

if TYPE_CHECKING:
    from ..models.forecast_run_model_counts import ForecastRunModelCounts
    from ..models.model_version import ModelVersion
    from ..models.run_accuracy import RunAccuracy


T = TypeVar("T", bound="ForecastRun")


@_attrs_define
class ForecastRun:
    """
    Attributes:
        id (int):
        status (ForecastRunStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Done
            * `failed` - Failed
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        history_end (datetime.date | None): The last day of history.
        horizon (int):
        series_count (int):
        model_counts (ForecastRunModelCounts): How many series each model forecast.
        model_version (ModelVersion | None): The fine-tuned transformer used; null: the shipped base model.
        accuracy (None | RunAccuracy): Null until measured (minutes after the run), or with too little history.
    """

    id: int
    status: ForecastRunStatusEnum
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    history_end: datetime.date | None
    horizon: int
    series_count: int
    model_counts: ForecastRunModelCounts
    model_version: ModelVersion | None
    accuracy: None | RunAccuracy
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_version import ModelVersion
        from ..models.run_accuracy import RunAccuracy

        id = self.id

        status = self.status.value

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        history_end: None | str
        if isinstance(self.history_end, datetime.date):
            history_end = self.history_end.isoformat()
        else:
            history_end = self.history_end

        horizon = self.horizon

        series_count = self.series_count

        model_counts = self.model_counts.to_dict()

        model_version: dict[str, Any] | None
        if isinstance(self.model_version, ModelVersion):
            model_version = self.model_version.to_dict()
        else:
            model_version = self.model_version

        accuracy: dict[str, Any] | None
        if isinstance(self.accuracy, RunAccuracy):
            accuracy = self.accuracy.to_dict()
        else:
            accuracy = self.accuracy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "history_end": history_end,
                "horizon": horizon,
                "series_count": series_count,
                "model_counts": model_counts,
                "model_version": model_version,
                "accuracy": accuracy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.forecast_run_model_counts import ForecastRunModelCounts
        from ..models.model_version import ModelVersion
        from ..models.run_accuracy import RunAccuracy

        d = dict(src_dict)
        id = d.pop("id")

        status = ForecastRunStatusEnum(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_history_end(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                history_end_type_0 = datetime.date.fromisoformat(data)

                return history_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        history_end = _parse_history_end(d.pop("history_end"))

        horizon = d.pop("horizon")

        series_count = d.pop("series_count")

        model_counts = ForecastRunModelCounts.from_dict(d.pop("model_counts"))

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

        def _parse_accuracy(data: object) -> None | RunAccuracy:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                accuracy_type_1 = RunAccuracy.from_dict(data)

                return accuracy_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunAccuracy, data)

        accuracy = _parse_accuracy(d.pop("accuracy"))

        forecast_run = cls(
            id=id,
            status=status,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            history_end=history_end,
            horizon=horizon,
            series_count=series_count,
            model_counts=model_counts,
            model_version=model_version,
            accuracy=accuracy,
        )

        forecast_run.additional_properties = d
        return forecast_run

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
