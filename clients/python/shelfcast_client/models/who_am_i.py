from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.who_am_i_caller import WhoAmICaller
    from ..models.who_am_i_merchant import WhoAmIMerchant


T = TypeVar("T", bound="WhoAmI")


@_attrs_define
class WhoAmI:
    """
    Attributes:
        merchant (WhoAmIMerchant):
        caller (WhoAmICaller):
    """

    merchant: WhoAmIMerchant
    caller: WhoAmICaller
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        merchant = self.merchant.to_dict()

        caller = self.caller.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "merchant": merchant,
                "caller": caller,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.who_am_i_caller import WhoAmICaller
        from ..models.who_am_i_merchant import WhoAmIMerchant

        d = dict(src_dict)
        merchant = WhoAmIMerchant.from_dict(d.pop("merchant"))

        caller = WhoAmICaller.from_dict(d.pop("caller"))

        who_am_i = cls(
            merchant=merchant,
            caller=caller,
        )

        who_am_i.additional_properties = d
        return who_am_i

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
