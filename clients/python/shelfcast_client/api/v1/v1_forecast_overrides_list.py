import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_forecast_override_list import PaginatedForecastOverrideList
from ...models.problem_details import ProblemDetails
from ...models.v1_forecast_overrides_list_kind import V1ForecastOverridesListKind
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    active_on: datetime.date | Unset = UNSET,
    cursor: str | Unset = UNSET,
    kind: V1ForecastOverridesListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_active_on: str | Unset = UNSET
    if not isinstance(active_on, Unset):
        json_active_on = active_on.isoformat()
    params["active_on"] = json_active_on

    params["cursor"] = cursor

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["location"] = location

    params["ordering"] = ordering

    params["page_size"] = page_size

    params["sku"] = sku

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/forecast-overrides/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedForecastOverrideList | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PaginatedForecastOverrideList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ProblemDetails.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ProblemDetails.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedForecastOverrideList | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    active_on: datetime.date | Unset = UNSET,
    cursor: str | Unset = UNSET,
    kind: V1ForecastOverridesListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedForecastOverrideList | ProblemDetails]:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        active_on (datetime.date | Unset):
        cursor (str | Unset):
        kind (V1ForecastOverridesListKind | Unset):
        location (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedForecastOverrideList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        active_on=active_on,
        cursor=cursor,
        kind=kind,
        location=location,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        updated_since=updated_since,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    active_on: datetime.date | Unset = UNSET,
    cursor: str | Unset = UNSET,
    kind: V1ForecastOverridesListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedForecastOverrideList | ProblemDetails | None:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        active_on (datetime.date | Unset):
        cursor (str | Unset):
        kind (V1ForecastOverridesListKind | Unset):
        location (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedForecastOverrideList | ProblemDetails
    """

    return sync_detailed(
        client=client,
        active_on=active_on,
        cursor=cursor,
        kind=kind,
        location=location,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    active_on: datetime.date | Unset = UNSET,
    cursor: str | Unset = UNSET,
    kind: V1ForecastOverridesListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedForecastOverrideList | ProblemDetails]:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        active_on (datetime.date | Unset):
        cursor (str | Unset):
        kind (V1ForecastOverridesListKind | Unset):
        location (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedForecastOverrideList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        active_on=active_on,
        cursor=cursor,
        kind=kind,
        location=location,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    active_on: datetime.date | Unset = UNSET,
    cursor: str | Unset = UNSET,
    kind: V1ForecastOverridesListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedForecastOverrideList | ProblemDetails | None:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        active_on (datetime.date | Unset):
        cursor (str | Unset):
        kind (V1ForecastOverridesListKind | Unset):
        location (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedForecastOverrideList | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            active_on=active_on,
            cursor=cursor,
            kind=kind,
            location=location,
            ordering=ordering,
            page_size=page_size,
            sku=sku,
            updated_since=updated_since,
        )
    ).parsed
