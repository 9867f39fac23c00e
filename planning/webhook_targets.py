"""Where a webhook may go. A webhook URL is the merchant's, so it must not become a way into
the network Shelfcast runs in. Each attempt looks its host up once, refuses it unless every
address found is public (`address_is_public`), and connects to one of exactly those addresses:
the Host header and, for https, the certificate check still use the URL's name, and nothing
looks the name up again, so a name that answers differently on a second lookup (DNS
rebinding) reaches nothing new. A redirect is never followed: a 3xx answer is a failed
attempt (`planning.notifications.webhook_deliver`)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from accounts.errors import DomainError

TIMEOUT_SECONDS = 10


# Addresses no webhook reaches, whatever name leads to them: IANA's special-purpose ranges and
# the cloud metadata services. Python's own `is_global` is asked too, but its lists change
# between versions and miss some of these (multicast, 6to4, NAT64, Azure's host endpoint).
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared (carrier NAT); Alibaba Cloud's metadata is 100.100.100.200
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local: instance metadata (169.254.169.254) of most clouds
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relays
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "168.63.129.16/32",  # Azure's host endpoint (metadata relay), on a public-looking address
        "::/8",  # unspecified, loopback, IPv4-compatible and NAT64 (64:ff9b::/96): IPv4 inside
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: leads to an IPv4 address
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique-local; AWS's metadata is fd00:ec2::254
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")  # the only IPv6 space handed out


def address_is_public(address: str) -> bool:
    """Whether a webhook may connect to ``address`` (an IPv4 or IPv6 address as text)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # the IPv4 address a connection to it reaches
    if ip.version == 6 and ip not in IPV6_GLOBAL_UNICAST:
        return False
    return ip.is_global and not any(ip in network for network in BLOCKED_NETWORKS)


@dataclass(frozen=True)
class WebhookTarget:
    """Where one attempt posts: the URL's parts, and the addresses its host had when looked up
    for this attempt, every one of them checked."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    addresses: tuple[str, ...]


def webhook_target(url: str) -> WebhookTarget:
    """Check ``url`` and look its host up, once: https, a host name, and (unless settings
    allow it, as in development and tests) every address of the host public, so an endpoint
    cannot reach into the network Shelfcast runs in. Raises DomainError saying what is
    wrong."""
    parts = urlsplit(url)
    allow_private = getattr(settings, "WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise DomainError(gettext("A webhook URL must start with https://."))
    host = parts.hostname
    if not host:
        raise DomainError(gettext("A webhook URL needs a host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise DomainError(gettext("The webhook URL's port is not a valid port number.")) from error
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise DomainError(
            gettext("The host %(host)s cannot be resolved.") % {"host": repr(host)}
        ) from error
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise DomainError(gettext("The host %(host)s cannot be resolved.") % {"host": repr(host)})
    if not allow_private and not all(address_is_public(address) for address in addresses):
        raise DomainError(
            gettext(
                "The host %(host)s is not a public address: webhooks go to servers on "
                "the internet, never to private, loopback, link-local, multicast or "
                "cloud metadata addresses."
            )
            % {"host": repr(host)}
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.scheme, host, port, path, addresses)


def check_url(url: str) -> None:
    """Raise DomainError unless ``url`` may receive webhooks now (see `webhook_target`)."""
    webhook_target(url)


def _connect_pinned(addresses: tuple[str, ...], port: int, timeout: float) -> socket.socket:
    """A connection to the first of the checked ``addresses`` that answers; the host name is
    never looked up here."""
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the addresses checked for this attempt; the Host header names the URL's host."""

    def __init__(self, target: WebhookTarget, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses

    def connect(self):
        self.sock = _connect_pinned(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the addresses checked for this attempt; the TLS server name, and the name the
    certificate must carry, are the URL's host (verified against the system's CAs)."""

    def __init__(self, target: WebhookTarget, *, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.addresses = target.addresses

    def connect(self):
        sock = _connect_pinned(self.addresses, self.port, self.timeout)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to the target's checked addresses; returns the status code, never
    following a redirect."""
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
