from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum

if TYPE_CHECKING:
    from ..models.forecast_override_event_changes import ForecastOverrideEventChanges


T = TypeVar("T", bound="ForecastOverrideEvent")


@_attrs_define
class ForecastOverrideEvent:
    """
    Attributes:
        action (ActionEnum): * `created` - Set
            * `changed` - Changed
            * `ended` - Ended
        actor (str): Who did it (null: a removed member).
        via (str):
        changes (ForecastOverrideEventChanges): Each changed field: [before, after] (codes, ISO dates, decimal strings).
        created_at (datetime.datetime):
    """

    action: ActionEnum
    actor: str
    via: str
    changes: ForecastOverrideEventChanges
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        actor = self.actor

        via = self.via

        changes = self.changes.to_dict()

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "via": via,
                "changes": changes,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.forecast_override_event_changes import (
            ForecastOverrideEventChanges,
        )

        d = dict(src_dict)
        action = ActionEnum(d.pop("action"))

        actor = d.pop("actor")

        via = d.pop("via")

        changes = ForecastOverrideEventChanges.from_dict(d.pop("changes"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        forecast_override_event = cls(
            action=action,
            actor=actor,
            via=via,
            changes=changes,
            created_at=created_at,
        )

        forecast_override_event.additional_properties = d
        return forecast_override_event

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
