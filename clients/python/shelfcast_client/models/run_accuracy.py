from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RunAccuracy")


@_attrs_define
class RunAccuracy:
    """How the run made four weeks before this one did over the four weeks of sales up to
    it, beside seasonal naive on the same weeks (lower is better).

        Attributes:
            from_ (datetime.date): The first day of sales measured.
            to (datetime.date): The last day of sales measured.
            run (int): The run whose forecasts were measured.
            series (int): How many series were measured.
            mase (float | None):
            wql (float | None): Weighted quantile loss.
            naive_mase (float | None):
            naive_wql (float | None):
    """

    from_: datetime.date
    to: datetime.date
    run: int
    series: int
    mase: float | None
    wql: float | None
    naive_mase: float | None
    naive_wql: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        run = self.run

        series = self.series

        mase: float | None
        mase = self.mase

        wql: float | None
        wql = self.wql

        naive_mase: float | None
        naive_mase = self.naive_mase

        naive_wql: float | None
        naive_wql = self.naive_wql

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "run": run,
                "series": series,
                "mase": mase,
                "wql": wql,
                "naive_mase": naive_mase,
                "naive_wql": naive_wql,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        run = d.pop("run")

        series = d.pop("series")

        def _parse_mase(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mase = _parse_mase(d.pop("mase"))

        def _parse_wql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        wql = _parse_wql(d.pop("wql"))

        def _parse_naive_mase(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        naive_mase = _parse_naive_mase(d.pop("naive_mase"))

        def _parse_naive_wql(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        naive_wql = _parse_naive_wql(d.pop("naive_wql"))

        run_accuracy = cls(
            from_=from_,
            to=to,
            run=run,
            series=series,
            mase=mase,
            wql=wql,
            naive_mase=naive_mase,
            naive_wql=naive_wql,
        )

        run_accuracy.additional_properties = d
        return run_accuracy

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
