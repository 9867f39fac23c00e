import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_alert_list import PaginatedAlertList
from ...models.problem_details import ProblemDetails
from ...models.v1_alerts_list_kind import V1AlertsListKind
from ...models.v1_alerts_list_state import V1AlertsListState
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    kind: V1AlertsListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    opened_from: datetime.datetime | Unset = UNSET,
    opened_to: datetime.datetime | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    state: V1AlertsListState | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["location"] = location

    json_opened_from: str | Unset = UNSET
    if not isinstance(opened_from, Unset):
        json_opened_from = opened_from.isoformat()
    params["opened_from"] = json_opened_from

    json_opened_to: str | Unset = UNSET
    if not isinstance(opened_to, Unset):
        json_opened_to = opened_to.isoformat()
    params["opened_to"] = json_opened_to

    params["ordering"] = ordering

    params["page_size"] = page_size

    params["sku"] = sku

    json_state: str | Unset = UNSET
    if not isinstance(state, Unset):
        json_state = state.value

    params["state"] = json_state

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/alerts/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedAlertList | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PaginatedAlertList.from_dict(response.json())

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
) -> Response[PaginatedAlertList | ProblemDetails]:
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
    kind: V1AlertsListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    opened_from: datetime.datetime | Unset = UNSET,
    opened_to: datetime.datetime | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    state: V1AlertsListState | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedAlertList | ProblemDetails]:
    """Alerts, the most money at risk first; filtered by `f.AlertFilterSet`. Acting on them
    (acknowledge, snooze, resolve) needs the plan permission. An alert's money at risk changes
    each night: a client that syncs every alert pages with ``ordering=id`` (or
    ``updated_since``), whose cursors stay stable.

    Args:
        cursor (str | Unset):
        kind (V1AlertsListKind | Unset):
        location (str | Unset):
        opened_from (datetime.datetime | Unset):
        opened_to (datetime.datetime | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        state (V1AlertsListState | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedAlertList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        location=location,
        opened_from=opened_from,
        opened_to=opened_to,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        state=state,
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
    kind: V1AlertsListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    opened_from: datetime.datetime | Unset = UNSET,
    opened_to: datetime.datetime | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    state: V1AlertsListState | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedAlertList | ProblemDetails | None:
    """Alerts, the most money at risk first; filtered by `f.AlertFilterSet`. Acting on them
    (acknowledge, snooze, resolve) needs the plan permission. An alert's money at risk changes
    each night: a client that syncs every alert pages with ``ordering=id`` (or
    ``updated_since``), whose cursors stay stable.

    Args:
        cursor (str | Unset):
        kind (V1AlertsListKind | Unset):
        location (str | Unset):
        opened_from (datetime.datetime | Unset):
        opened_to (datetime.datetime | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        state (V1AlertsListState | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedAlertList | ProblemDetails
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        kind=kind,
        location=location,
        opened_from=opened_from,
        opened_to=opened_to,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        state=state,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1AlertsListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    opened_from: datetime.datetime | Unset = UNSET,
    opened_to: datetime.datetime | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    state: V1AlertsListState | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedAlertList | ProblemDetails]:
    """Alerts, the most money at risk first; filtered by `f.AlertFilterSet`. Acting on them
    (acknowledge, snooze, resolve) needs the plan permission. An alert's money at risk changes
    each night: a client that syncs every alert pages with ``ordering=id`` (or
    ``updated_since``), whose cursors stay stable.

    Args:
        cursor (str | Unset):
        kind (V1AlertsListKind | Unset):
        location (str | Unset):
        opened_from (datetime.datetime | Unset):
        opened_to (datetime.datetime | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        state (V1AlertsListState | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedAlertList | ProblemDetails]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        location=location,
        opened_from=opened_from,
        opened_to=opened_to,
        ordering=ordering,
        page_size=page_size,
        sku=sku,
        state=state,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: V1AlertsListKind | Unset = UNSET,
    location: str | Unset = UNSET,
    opened_from: datetime.datetime | Unset = UNSET,
    opened_to: datetime.datetime | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    sku: str | Unset = UNSET,
    state: V1AlertsListState | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
) -> PaginatedAlertList | ProblemDetails | None:
    """Alerts, the most money at risk first; filtered by `f.AlertFilterSet`. Acting on them
    (acknowledge, snooze, resolve) needs the plan permission. An alert's money at risk changes
    each night: a client that syncs every alert pages with ``ordering=id`` (or
    ``updated_since``), whose cursors stay stable.

    Args:
        cursor (str | Unset):
        kind (V1AlertsListKind | Unset):
        location (str | Unset):
        opened_from (datetime.datetime | Unset):
        opened_to (datetime.datetime | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        sku (str | Unset):
        state (V1AlertsListState | Unset):
        updated_since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedAlertList | ProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            kind=kind,
            location=location,
            opened_from=opened_from,
            opened_to=opened_to,
            ordering=ordering,
            page_size=page_size,
            sku=sku,
            state=state,
            updated_since=updated_since,
        )
    ).parsed
