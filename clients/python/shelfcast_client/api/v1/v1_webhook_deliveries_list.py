import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from ...models.problem_details import ProblemDetails
from ...models.v1_webhook_deliveries_list_event import V1WebhookDeliveriesListEvent
from ...models.v1_webhook_deliveries_list_status import V1WebhookDeliveriesListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    endpoint: float | Unset = UNSET,
    event: V1WebhookDeliveriesListEvent | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1WebhookDeliveriesListStatus | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["endpoint"] = endpoint

    json_event: str | Unset = UNSET
    if not isinstance(event, Unset):
        json_event = event.value

    params["event"] = json_event

    params["ordering"] = ordering

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhook-deliveries/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedWebhookDeliveryList | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PaginatedWebhookDeliveryList.from_dict(response.json())

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
) -> Response[PaginatedWebhookDeliveryList | ProblemDetails]:
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
    endpoint: float | Unset = UNSET,
    event: V1WebhookDeliveriesListEvent | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1WebhookDeliveriesListStatus | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedWebhookDeliveryList | ProblemDetails]:
    """What was sent to the store's endpoints, newest first (manage permission).

    Args:
        cursor (str | Unset):
        endpoint (float | Unset):
        event (V1WebhookDeliveriesListEvent | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1WebhookDeliveriesListStatus | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedWebhookDeliveryList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        endpoint=endpoint,
        event=event,
        ordering=ordering,
        page_size=page_size,
        status=status,
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
    endpoint: float | Unset = UNSET,
    event: V1WebhookDeliveriesListEvent | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1WebhookDeliveriesListStatus | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedWebhookDeliveryList | ProblemDetails | None:
    """What was sent to the store's endpoints, newest first (manage permission).

    Args:
        cursor (str | Unset):
        endpoint (float | Unset):
        event (V1WebhookDeliveriesListEvent | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1WebhookDeliveriesListStatus | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedWebhookDeliveryList | ProblemDetails
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        endpoint=endpoint,
        event=event,
        ordering=ordering,
        page_size=page_size,
        status=status,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: float | Unset = UNSET,
    event: V1WebhookDeliveriesListEvent | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1WebhookDeliveriesListStatus | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedWebhookDeliveryList | ProblemDetails]:
    """What was sent to the store's endpoints, newest first (manage permission).

    Args:
        cursor (str | Unset):
        endpoint (float | Unset):
        event (V1WebhookDeliveriesListEvent | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1WebhookDeliveriesListStatus | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedWebhookDeliveryList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        endpoint=endpoint,
        event=event,
        ordering=ordering,
        page_size=page_size,
        status=status,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: float | Unset = UNSET,
    event: V1WebhookDeliveriesListEvent | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: V1WebhookDeliveriesListStatus | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedWebhookDeliveryList | ProblemDetails | None:
    """What was sent to the store's endpoints, newest first (manage permission).

    Args:
        cursor (str | Unset):
        endpoint (float | Unset):
        event (V1WebhookDeliveriesListEvent | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        status (V1WebhookDeliveriesListStatus | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedWebhookDeliveryList | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            endpoint=endpoint,
            event=event,
            ordering=ordering,
            page_size=page_size,
            status=status,
            updated_since=updated_since,
        )
    ).parsed
