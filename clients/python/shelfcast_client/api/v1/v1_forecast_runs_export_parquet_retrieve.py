from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    id: int,
    *,
    location: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["location"] = location

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/forecast-runs/{id}/export/parquet/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> File | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[File | ProblemDetails]:
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
    location: str | Unset = UNSET,
) -> Response[File | ProblemDetails]:
    """All of a run's forecasts as Parquet

     The rows and columns of the CSV export, typed: `run` (int64), `sku`, `location` and `model`
    (string), `date` (date32), `q0.01` ... `q0.99` (float64, the same rounded values as the CSV).
    Streamed, a row group per batch of series, with the same limit as the CSV export
    (API_FORECAST_EXPORT_MAX_SERIES): a larger run is exported one `location` at a time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        location=location,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    location: str | Unset = UNSET,
) -> File | ProblemDetails | None:
    """All of a run's forecasts as Parquet

     The rows and columns of the CSV export, typed: `run` (int64), `sku`, `location` and `model`
    (string), `date` (date32), `q0.01` ... `q0.99` (float64, the same rounded values as the CSV).
    Streamed, a row group per batch of series, with the same limit as the CSV export
    (API_FORECAST_EXPORT_MAX_SERIES): a larger run is exported one `location` at a time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | ProblemDetails
    """

    return sync_detailed(
        id=id,
        client=client,
        location=location,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    location: str | Unset = UNSET,
) -> Response[File | ProblemDetails]:
    """All of a run's forecasts as Parquet

     The rows and columns of the CSV export, typed: `run` (int64), `sku`, `location` and `model`
    (string), `date` (date32), `q0.01` ... `q0.99` (float64, the same rounded values as the CSV).
    Streamed, a row group per batch of series, with the same limit as the CSV export
    (API_FORECAST_EXPORT_MAX_SERIES): a larger run is exported one `location` at a time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        location=location,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    location: str | Unset = UNSET,
) -> File | ProblemDetails | None:
    """All of a run's forecasts as Parquet

     The rows and columns of the CSV export, typed: `run` (int64), `sku`, `location` and `model`
    (string), `date` (date32), `q0.01` ... `q0.99` (float64, the same rounded values as the CSV).
    Streamed, a row group per batch of series, with the same limit as the CSV export
    (API_FORECAST_EXPORT_MAX_SERIES): a larger run is exported one `location` at a time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | ProblemDetails
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            location=location,
        )
    ).parsed
