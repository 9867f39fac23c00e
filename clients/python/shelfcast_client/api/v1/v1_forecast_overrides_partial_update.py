from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forecast_override import ForecastOverride
from ...models.patched_forecast_override_request import PatchedForecastOverrideRequest
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    body: PatchedForecastOverrideRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/forecast-overrides/{id}/".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ForecastOverride | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = ForecastOverride.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ProblemDetails.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())

        return response_422

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
) -> Response[ForecastOverride | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedForecastOverrideRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ForecastOverride | ProblemDetails]:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        id (int):
        idempotency_key (str | Unset):
        body (PatchedForecastOverrideRequest | Unset): A planner's override of a SKU's forecast
            (forecasting/overrides.py says how it changes
            the forecast). Written by SKU and location codes; ``location`` null is every location.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForecastOverride | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedForecastOverrideRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ForecastOverride | ProblemDetails | None:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        id (int):
        idempotency_key (str | Unset):
        body (PatchedForecastOverrideRequest | Unset): A planner's override of a SKU's forecast
            (forecasting/overrides.py says how it changes
            the forecast). Written by SKU and location codes; ``location`` null is every location.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForecastOverride | ProblemDetails
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedForecastOverrideRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ForecastOverride | ProblemDetails]:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        id (int):
        idempotency_key (str | Unset):
        body (PatchedForecastOverrideRequest | Unset): A planner's override of a SKU's forecast
            (forecasting/overrides.py says how it changes
            the forecast). Written by SKU and location codes; ``location`` null is every location.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForecastOverride | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    body: PatchedForecastOverrideRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ForecastOverride | ProblemDetails | None:
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change.

    Args:
        id (int):
        idempotency_key (str | Unset):
        body (PatchedForecastOverrideRequest | Unset): A planner's override of a SKU's forecast
            (forecasting/overrides.py says how it changes
            the forecast). Written by SKU and location codes; ``location`` null is every location.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForecastOverride | ProblemDetails
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
