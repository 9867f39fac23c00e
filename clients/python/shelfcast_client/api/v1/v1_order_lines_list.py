import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_order_line_list import PaginatedOrderLineList
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    date_from: datetime.date | Unset = UNSET,
    date_to: datetime.date | Unset = UNSET,
    location: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    json_date_from: str | Unset = UNSET
    if not isinstance(date_from, Unset):
        json_date_from = date_from.isoformat()
    params["date_from"] = json_date_from

    json_date_to: str | Unset = UNSET
    if not isinstance(date_to, Unset):
        json_date_to = date_to.isoformat()
    params["date_to"] = json_date_to

    params["location"] = location

    params["order_id"] = order_id

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
        "url": "/api/v1/order-lines/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedOrderLineList | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PaginatedOrderLineList.from_dict(response.json())

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
) -> Response[PaginatedOrderLineList | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    date_from: datetime.date | Unset = UNSET,
    date_to: datetime.date | Unset = UNSET,
    location: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedOrderLineList | ProblemDetails]:
    """
    Args:
        cursor (str | Unset):
        date_from (datetime.date | Unset):
        date_to (datetime.date | Unset):
        location (str | Unset):
        order_id (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedOrderLineList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        date_from=date_from,
        date_to=date_to,
        location=location,
        order_id=order_id,
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
    cursor: str | Unset = UNSET,
    date_from: datetime.date | Unset = UNSET,
    date_to: datetime.date | Unset = UNSET,
    location: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedOrderLineList | ProblemDetails | None:
    """
    Args:
        cursor (str | Unset):
        date_from (datetime.date | Unset):
        date_to (datetime.date | Unset):
        location (str | Unset):
        order_id (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedOrderLineList | ProblemDetails
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        date_from=date_from,
        date_to=date_to,
        location=location,
        order_id=order_id,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    date_from: datetime.date | Unset = UNSET,
    date_to: datetime.date | Unset = UNSET,
    location: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedOrderLineList | ProblemDetails]:
    """
    Args:
        cursor (str | Unset):
        date_from (datetime.date | Unset):
        date_to (datetime.date | Unset):
        location (str | Unset):
        order_id (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedOrderLineList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        date_from=date_from,
        date_to=date_to,
        location=location,
        order_id=order_id,
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
    cursor: str | Unset = UNSET,
    date_from: datetime.date | Unset = UNSET,
    date_to: datetime.date | Unset = UNSET,
    location: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedOrderLineList | ProblemDetails | None:
    """
    Args:
        cursor (str | Unset):
        date_from (datetime.date | Unset):
        date_to (datetime.date | Unset):
        location (str | Unset):
        order_id (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedOrderLineList | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            date_from=date_from,
            date_to=date_to,
            location=location,
            order_id=order_id,
            ordering=ordering,
            page_size=page_size,
            sku=sku,
            updated_since=updated_since,
        )
    ).parsed
