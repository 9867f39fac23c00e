from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_error import ProblemError


T = TypeVar("T", bound="ProblemDetails")


@_attrs_define
class ProblemDetails:
    """An error answer: problem details (RFC 9457), as application/problem+json.

    Attributes:
        type_ (str): A URI naming the kind of problem; it ends in one of: `validation-error` (400); `malformed-request`
            (400); `request-refused` (400); `quota-exceeded` (400); `not-authenticated` (401); `permission-denied` (403);
            `not-found` (404); `method-not-allowed` (405); `not-acceptable` (406); `conflict` (409); `request-too-large`
            (413); `unsupported-media-type` (415); `idempotency-key-reused` (422); `rate-limited` (429); `server-error`
            (500); `store-busy` (503). The URI answers with what the type means.
        title (str): The type's summary, the same for each occurrence.
        status (int): The HTTP status code.
        detail (str): What went wrong this time.
        instance (str): The path of the request that went wrong.
        errors (list[ProblemError] | Unset): Invalid input (type `validation-error`): every problem, each naming where
            it is.
        error_count (int | Unset): validation-error of a batch: how many problems in all.
        limit_bytes (int | Unset): request-too-large: the largest body accepted, in bytes.
        policy (str | Unset): rate-limited: the limit used up, `merchant` or `caller`.
        limit (int | Unset): rate-limited: requests per window; quota-exceeded: the quota's size.
        window_seconds (int | Unset): rate-limited: the length of the limit's window.
        retry_after_seconds (int | Unset): rate-limited, store-busy: when to try again.
        quota (str | Unset): quota-exceeded: which quota (e.g. `webhook_endpoints`).
    """

    type_: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError] | Unset = UNSET
    error_count: int | Unset = UNSET
    limit_bytes: int | Unset = UNSET
    policy: str | Unset = UNSET
    limit: int | Unset = UNSET
    window_seconds: int | Unset = UNSET
    retry_after_seconds: int | Unset = UNSET
    quota: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        instance = self.instance

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        error_count = self.error_count

        limit_bytes = self.limit_bytes

        policy = self.policy

        limit = self.limit

        window_seconds = self.window_seconds

        retry_after_seconds = self.retry_after_seconds

        quota = self.quota

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
                "instance": instance,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors
        if error_count is not UNSET:
            field_dict["error_count"] = error_count
        if limit_bytes is not UNSET:
            field_dict["limit_bytes"] = limit_bytes
        if policy is not UNSET:
            field_dict["policy"] = policy
        if limit is not UNSET:
            field_dict["limit"] = limit
        if window_seconds is not UNSET:
            field_dict["window_seconds"] = window_seconds
        if retry_after_seconds is not UNSET:
            field_dict["retry_after_seconds"] = retry_after_seconds
        if quota is not UNSET:
            field_dict["quota"] = quota

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.problem_error import ProblemError

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        instance = d.pop("instance")

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemError.from_dict(errors_item_data)

                errors.append(errors_item)

        error_count = d.pop("error_count", UNSET)

        limit_bytes = d.pop("limit_bytes", UNSET)

        policy = d.pop("policy", UNSET)

        limit = d.pop("limit", UNSET)

        window_seconds = d.pop("window_seconds", UNSET)

        retry_after_seconds = d.pop("retry_after_seconds", UNSET)

        quota = d.pop("quota", UNSET)

        problem_details = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            instance=instance,
            errors=errors,
            error_count=error_count,
            limit_bytes=limit_bytes,
            policy=policy,
            limit=limit,
            window_seconds=window_seconds,
            retry_after_seconds=retry_after_seconds,
            quota=quota,
        )

        problem_details.additional_properties = d
        return problem_details

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
