from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forecast import Forecast
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    lead_time_days: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["lead_time_days"] = lead_time_days

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/forecasts/{id}/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Forecast | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = Forecast.from_dict(response.json())

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
) -> Response[Forecast | ProblemDetails]:
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
    lead_time_days: int | Unset = UNSET,
) -> Response[Forecast | ProblemDetails]:
    """Forecasts of succeeded runs, in id order: one per SKU and location per run, with its
    quantiles per day (one value per level of `levels`), the model the backtest chose and
    its scores, the run's model version, and the SHAP explanation once a worker has stored
    one (null before).

    Args:
        id (int):
        lead_time_days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forecast | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        lead_time_days=lead_time_days,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    lead_time_days: int | Unset = UNSET,
) -> Forecast | ProblemDetails | None:
    """Forecasts of succeeded runs, in id order: one per SKU and location per run, with its
    quantiles per day (one value per level of `levels`), the model the backtest chose and
    its scores, the run's model version, and the SHAP explanation once a worker has stored
    one (null before).

    Args:
        id (int):
        lead_time_days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forecast | ProblemDetails
    """

    return sync_detailed(
        id=id,
        client=client,
        lead_time_days=lead_time_days,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    lead_time_days: int | Unset = UNSET,
) -> Response[Forecast | ProblemDetails]:
    """Forecasts of succeeded runs, in id order: one per SKU and location per run, with its
    quantiles per day (one value per level of `levels`), the model the backtest chose and
    its scores, the run's model version, and the SHAP explanation once a worker has stored
    one (null before).

    Args:
        id (int):
        lead_time_days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Forecast | ProblemDetails]
    """

    kwargs = _get_kwargs(
        id=id,
        lead_time_days=lead_time_days,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    lead_time_days: int | Unset = UNSET,
) -> Forecast | ProblemDetails | None:
    """Forecasts of succeeded runs, in id order: one per SKU and location per run, with its
    quantiles per day (one value per level of `levels`), the model the backtest chose and
    its scores, the run's model version, and the SHAP explanation once a worker has stored
    one (null before).

    Args:
        id (int):
        lead_time_days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Forecast | ProblemDetails
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            lead_time_days=lead_time_days,
        )
    ).parsed
