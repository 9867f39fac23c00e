from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


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
        "url": "/api/v1/forecast-runs/{id}/export/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | str | None:
    if response.status_code == 200:
        response_200 = response.text
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
) -> Response[ProblemDetails | str]:
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
) -> Response[ProblemDetails | str]:
    """All of a run's forecasts as CSV

     One row per series and day: `run`, `sku` and `location` (codes), `date`, `model`, then one column
    per quantile level (`q0.01` ... `q0.99`). Streamed a batch of series at a time; a run of more than
    API_FORECAST_EXPORT_MAX_SERIES series (200,000 by default) is refused: export it one `location` at a
    time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | str]
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
) -> ProblemDetails | str | None:
    """All of a run's forecasts as CSV

     One row per series and day: `run`, `sku` and `location` (codes), `date`, `model`, then one column
    per quantile level (`q0.01` ... `q0.99`). Streamed a batch of series at a time; a run of more than
    API_FORECAST_EXPORT_MAX_SERIES series (200,000 by default) is refused: export it one `location` at a
    time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | str
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
) -> Response[ProblemDetails | str]:
    """All of a run's forecasts as CSV

     One row per series and day: `run`, `sku` and `location` (codes), `date`, `model`, then one column
    per quantile level (`q0.01` ... `q0.99`). Streamed a batch of series at a time; a run of more than
    API_FORECAST_EXPORT_MAX_SERIES series (200,000 by default) is refused: export it one `location` at a
    time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | str]
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
) -> ProblemDetails | str | None:
    """All of a run's forecasts as CSV

     One row per series and day: `run`, `sku` and `location` (codes), `date`, `model`, then one column
    per quantile level (`q0.01` ... `q0.99`). Streamed a batch of series at a time; a run of more than
    API_FORECAST_EXPORT_MAX_SERIES series (200,000 by default) is refused: export it one `location` at a
    time.

    Args:
        id (int):
        location (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | str
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            location=location,
        )
    ).parsed
