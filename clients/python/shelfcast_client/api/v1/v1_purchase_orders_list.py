import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_purchase_order_list import PaginatedPurchaseOrderList
from ...models.problem_details import ProblemDetails
from ...models.v1_purchase_orders_list_status import V1PurchaseOrdersListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    location: str | Unset = UNSET,
    number: str | Unset = UNSET,
    order_date_from: datetime.date | Unset = UNSET,
    order_date_to: datetime.date | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1PurchaseOrdersListStatus | Unset = UNSET,
    supplier: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["location"] = location

    params["number"] = number

    json_order_date_from: str | Unset = UNSET
    if not isinstance(order_date_from, Unset):
        json_order_date_from = order_date_from.isoformat()
    params["order_date_from"] = json_order_date_from

    json_order_date_to: str | Unset = UNSET
    if not isinstance(order_date_to, Unset):
        json_order_date_to = order_date_to.isoformat()
    params["order_date_to"] = json_order_date_to

    params["ordering"] = ordering

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["supplier"] = supplier

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/purchase-orders/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedPurchaseOrderList | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PaginatedPurchaseOrderList.from_dict(response.json())

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
) -> Response[PaginatedPurchaseOrderList | ProblemDetails]:
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
    location: str | Unset = UNSET,
    number: str | Unset = UNSET,
    order_date_from: datetime.date | Unset = UNSET,
    order_date_to: datetime.date | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1PurchaseOrdersListStatus | Unset = UNSET,
    supplier: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedPurchaseOrderList | ProblemDetails]:
    """Purchase orders: the ERP's open ones (written by number, as every resource), and the
    drafts made from approved reorder suggestions. Their steps (send, receive, cancel, a
    draft's quantities) need the plan permission and are audited as the caller.

    Args:
        cursor (str | Unset):
        location (str | Unset):
        number (str | Unset):
        order_date_from (datetime.date | Unset):
        order_date_to (datetime.date | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1PurchaseOrdersListStatus | Unset):
        supplier (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPurchaseOrderList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        location=location,
        number=number,
        order_date_from=order_date_from,
        order_date_to=order_date_to,
        ordering=ordering,
        page_size=page_size,
        status=status,
        supplier=supplier,
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
    location: str | Unset = UNSET,
    number: str | Unset = UNSET,
    order_date_from: datetime.date | Unset = UNSET,
    order_date_to: datetime.date | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1PurchaseOrdersListStatus | Unset = UNSET,
    supplier: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedPurchaseOrderList | ProblemDetails | None:
    """Purchase orders: the ERP's open ones (written by number, as every resource), and the
    drafts made from approved reorder suggestions. Their steps (send, receive, cancel, a
    draft's quantities) need the plan permission and are audited as the caller.

    Args:
        cursor (str | Unset):
        location (str | Unset):
        number (str | Unset):
        order_date_from (datetime.date | Unset):
        order_date_to (datetime.date | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1PurchaseOrdersListStatus | Unset):
        supplier (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPurchaseOrderList | ProblemDetails
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        location=location,
        number=number,
        order_date_from=order_date_from,
        order_date_to=order_date_to,
        ordering=ordering,
        page_size=page_size,
        status=status,
        supplier=supplier,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    location: str | Unset = UNSET,
    number: str | Unset = UNSET,
    order_date_from: datetime.date | Unset = UNSET,
    order_date_to: datetime.date | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1PurchaseOrdersListStatus | Unset = UNSET,
    supplier: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedPurchaseOrderList | ProblemDetails]:
    """Purchase orders: the ERP's open ones (written by number, as every resource), and the
    drafts made from approved reorder suggestions. Their steps (send, receive, cancel, a
    draft's quantities) need the plan permission and are audited as the caller.

    Args:
        cursor (str | Unset):
        location (str | Unset):
        number (str | Unset):
        order_date_from (datetime.date | Unset):
        order_date_to (datetime.date | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1PurchaseOrdersListStatus | Unset):
        supplier (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPurchaseOrderList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        location=location,
        number=number,
        order_date_from=order_date_from,
        order_date_to=order_date_to,
        ordering=ordering,
        page_size=page_size,
        status=status,
        supplier=supplier,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    location: str | Unset = UNSET,
    number: str | Unset = UNSET,
    order_date_from: datetime.date | Unset = UNSET,
    order_date_to: datetime.date | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1PurchaseOrdersListStatus | Unset = UNSET,
    supplier: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedPurchaseOrderList | ProblemDetails | None:
    """Purchase orders: the ERP's open ones (written by number, as every resource), and the
    drafts made from approved reorder suggestions. Their steps (send, receive, cancel, a
    draft's quantities) need the plan permission and are audited as the caller.

    Args:
        cursor (str | Unset):
        location (str | Unset):
        number (str | Unset):
        order_date_from (datetime.date | Unset):
        order_date_to (datetime.date | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1PurchaseOrdersListStatus | Unset):
        supplier (str | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPurchaseOrderList | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            location=location,
            number=number,
            order_date_from=order_date_from,
            order_date_to=order_date_to,
            ordering=ordering,
            page_size=page_size,
            status=status,
            supplier=supplier,
            updated_since=updated_since,
        )
    ).parsed
