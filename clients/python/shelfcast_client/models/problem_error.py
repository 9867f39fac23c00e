from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.in_enum import InEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProblemError")


@_attrs_define
class ProblemError:
    """One problem of an invalid request.

    Attributes:
        in_ (InEnum): * `body` - body
            * `query` - query
            * `header` - header
        field (str): The invalid body field (`lines[0].sku`), query parameter or header; empty for the body or the batch
            as a whole.
        detail (str): What is wrong with it.
        code (str): A stable code of the problem, e.g. `required`.
        pointer (str | Unset): In a JSON body (`in` body, no `row`): a JSON Pointer (RFC 6901) to the invalid value,
            e.g. `/lines/0/sku`.
        row (int | Unset): In a batch of rows (a bulk write): the row's 0-based index; -1 for the batch as a whole.
        value (Any | Unset): In a batch of rows: the value refused.
    """

    in_: InEnum
    field: str
    detail: str
    code: str
    pointer: str | Unset = UNSET
    row: int | Unset = UNSET
    value: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        in_ = self.in_.value

        field = self.field

        detail = self.detail

        code = self.code

        pointer = self.pointer

        row = self.row

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "in": in_,
                "field": field,
                "detail": detail,
                "code": code,
            }
        )
        if pointer is not UNSET:
            field_dict["pointer"] = pointer
        if row is not UNSET:
            field_dict["row"] = row
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        in_ = InEnum(d.pop("in"))

        field = d.pop("field")

        detail = d.pop("detail")

        code = d.pop("code")

        pointer = d.pop("pointer", UNSET)

        row = d.pop("row", UNSET)

        value = d.pop("value", UNSET)

        problem_error = cls(
            in_=in_,
            field=field,
            detail=detail,
            code=code,
            pointer=pointer,
            row=row,
            value=value,
        )

        problem_error.additional_properties = d
        return problem_error

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
