from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.language_enum import LanguageEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Supplier")


@_attrs_define
class Supplier:
    """
    Attributes:
        id (int):
        code (str):
        name (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        email (str | Unset):
        currency (str | Unset): ISO 4217; blank = merchant's
        minimum_order_value (None | str | Unset): The least the supplier accepts on one order, in its currency; empty =
            none.
        free_shipping_threshold (None | str | Unset): Orders of at least this value ship free; empty = none.
        language (BlankEnum | LanguageEnum | Unset): Language of its purchase orders; blank = the drafter's.

            * `en` - English
            * `zh-hans` - 简体中文
    """

    id: int
    code: str
    name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    email: str | Unset = UNSET
    currency: str | Unset = UNSET
    minimum_order_value: None | str | Unset = UNSET
    free_shipping_threshold: None | str | Unset = UNSET
    language: BlankEnum | LanguageEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        code = self.code

        name = self.name

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        currency = self.currency

        minimum_order_value: None | str | Unset
        if isinstance(self.minimum_order_value, Unset):
            minimum_order_value = UNSET
        else:
            minimum_order_value = self.minimum_order_value

        free_shipping_threshold: None | str | Unset
        if isinstance(self.free_shipping_threshold, Unset):
            free_shipping_threshold = UNSET
        else:
            free_shipping_threshold = self.free_shipping_threshold

        language: str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        elif isinstance(self.language, LanguageEnum):
            language = self.language.value
        else:
            language = self.language.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "code": code,
                "name": name,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if currency is not UNSET:
            field_dict["currency"] = currency
        if minimum_order_value is not UNSET:
            field_dict["minimum_order_value"] = minimum_order_value
        if free_shipping_threshold is not UNSET:
            field_dict["free_shipping_threshold"] = free_shipping_threshold
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        code = d.pop("code")

        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        currency = d.pop("currency", UNSET)

        def _parse_minimum_order_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        minimum_order_value = _parse_minimum_order_value(
            d.pop("minimum_order_value", UNSET)
        )

        def _parse_free_shipping_threshold(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        free_shipping_threshold = _parse_free_shipping_threshold(
            d.pop("free_shipping_threshold", UNSET)
        )

        def _parse_language(data: object) -> BlankEnum | LanguageEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                language_type_0 = LanguageEnum(data)

                return language_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            language_type_1 = BlankEnum(data)

            return language_type_1

        language = _parse_language(d.pop("language", UNSET))

        supplier = cls(
            id=id,
            code=code,
            name=name,
            created_at=created_at,
            updated_at=updated_at,
            email=email,
            currency=currency,
            minimum_order_value=minimum_order_value,
            free_shipping_threshold=free_shipping_threshold,
            language=language,
        )

        supplier.additional_properties = d
        return supplier

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
