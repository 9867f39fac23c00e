"""Webhooks cannot be pointed into the network Shelfcast runs in: each attempt resolves the
host once, refuses it unless every address is public, connects to the address it checked
(Host header and TLS verification still for the URL's name) and never follows a redirect.

No test reaches the network: DNS is answered by a stand-in for ``socket.getaddrinfo``,
connections to public addresses are refused by a stand-in for ``socket.create_connection``,
and the only servers are local ones on 127.0.0.1, reached where a test allows loopback
(WEBHOOK_ALLOW_PRIVATE_HOSTS, on in the test settings only) or where the code under test
must not reach them."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

from django.test import TestCase, override_settings

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from planning import notifications, webhook_targets
from planning.models import WebhookDelivery, WebhookEndpoint
from tests.factories import MerchantFactory

PUBLIC = "93.184.215.14"  # a public address; nothing ever connects to it here
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
HOST = "hooks.example.test"
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection


class FakeDNS:
    """Answers lookups of HOST with the next of ``answers`` (the last one repeats), as a
    rebinding server with a zero TTL would; other names go to the real resolver (only IP
    literals are asked for here)."""

    def __init__(self, *answers: list[str]):
        self.answers = list(answers)
        self.lookups = 0

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if host != HOST:
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        addresses = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        port = int(port or 0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
            if ":" in address
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in addresses
        ]


class NoNetwork:
    """``socket.create_connection`` that reaches loopback only: a connection to any other
    address is recorded and refused, as if the network were down. Names are resolved (by
    FakeDNS) and their loopback answers connected to, as the real function does."""

    def __init__(self):
        self.refused: list[tuple[str, int]] = []

    def __call__(self, address, timeout=None, source_address=None, **kwargs):
        host, port = address[0], address[1]
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None and not literal.is_loopback:
            self.refused.append((host, port))
            raise ConnectionRefusedError(f"no network in tests ({host})")
        return REAL_CREATE_CONNECTION(address, timeout, source_address, **kwargs)


class Listener:
    """A TCP port on 127.0.0.1 standing for an internal service: counts every connection
    that reaches it and closes it at once."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self):
        self.socket.close()


class Server:
    """A local HTTP server that answers every POST with ``status`` (and ``location``) and
    keeps the requests it got."""

    def __init__(self, status=200, location=""):
        self.requests: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def handle_request(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.requests.append((self.command, self.path, dict(self.headers)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = handle_request

            def log_message(self, *args):
                pass

        self.http = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_port
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


class WebhookTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()

    def patch_network(self, dns: FakeDNS) -> NoNetwork:
        network = NoNetwork()
        for patcher in (
            mock.patch("socket.getaddrinfo", dns),
            mock.patch("socket.create_connection", network),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)
        return network

    def delivery_to(self, url: str) -> WebhookDelivery:
        """An endpoint stored as it would be once created (checked then), with one pending
        event for it."""
        with tenant_context(self.merchant):
            endpoint = WebhookEndpoint.objects.create(
                merchant=self.merchant, url=url, secret="0" * 64
            )
            return WebhookDelivery.objects.create(
                merchant=self.merchant,
                endpoint=endpoint,
                event="alert.opened",
                event_id=uuid.uuid4(),
                payload={"id": 1},
            )

    def deliver(self, delivery: WebhookDelivery) -> WebhookDelivery:
        notifications.webhook_deliver(merchant=self.merchant, delivery_id=delivery.pk)
        with tenant_context(self.merchant):
            return WebhookDelivery.objects.for_merchant(self.merchant).get(pk=delivery.pk)

    def retry_now(self, delivery: WebhookDelivery) -> None:
        with tenant_context(self.merchant):
            WebhookDelivery.objects.for_merchant(self.merchant).filter(pk=delivery.pk).update(
                next_attempt_at=None
            )


@override_settings(WEBHOOK_ALLOW_PRIVATE_HOSTS=False)
class AddressCheckTests(WebhookTestCase):
    def test_every_kind_of_internal_address_is_refused(self):
        for address in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0",
            "169.254.169.254",  # AWS, GCP, Azure and OpenStack instance metadata
            "169.254.170.2",  # AWS ECS task metadata
            "100.100.100.200",  # Alibaba Cloud metadata
            "168.63.129.16",  # Azure's host endpoint, on a public-looking address
            "192.0.0.192",  # Oracle Cloud metadata (IETF protocol assignments)
            "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "198.18.0.1",
            "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "fec0::1", "ff02::1",
            "ff0e::1", "2001:db8::1",
            "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",  # IPv4-mapped
            "::127.0.0.1",  # IPv4-compatible
            "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
            "2002:7f00:1::",  # 6to4 of 127.0.0.1
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        ]:  # fmt: skip
            literal = f"[{address}]" if ":" in address else address
            with self.subTest(address=address):
                with self.assertRaisesMessage(DomainError, "not a public address"):
                    webhook_targets.check_url(f"https://{literal}/hook")

    def test_public_addresses_are_accepted(self):
        for literal in [PUBLIC, f"[{PUBLIC_V6}]", "[::ffff:93.184.215.14]"]:
            with self.subTest(literal=literal):
                webhook_targets.check_url(f"https://{literal}/hook")

    def test_a_name_is_refused_if_any_of_its_addresses_is_internal(self):
        self.patch_network(FakeDNS([PUBLIC, "10.0.0.5"]))
        with self.assertRaisesMessage(DomainError, "not a public address"):
            notifications.webhook_endpoint_create(
                merchant=self.merchant, url=f"https://{HOST}/hook"
            )
        with tenant_context(self.merchant):
            self.assertFalse(WebhookEndpoint.objects.for_merchant(self.merchant).exists())


@override_settings(WEBHOOK_ALLOW_PRIVATE_HOSTS=False)
class PinnedDeliveryTests(WebhookTestCase):
    def test_a_rebinding_name_never_reaches_an_internal_address(self):
        listener = Listener()
        self.addCleanup(listener.close)
        dns = FakeDNS(*[[PUBLIC], ["127.0.0.1"]] * 4)  # alternating, as rebinding does
        network = self.patch_network(dns)
        delivery = self.delivery_to(f"https://{HOST}:{listener.port}/hook")
        for _ in range(4):
            lookups = dns.lookups
            delivery = self.deliver(delivery)
            self.assertEqual(dns.lookups - lookups, 1)  # one lookup per attempt
            self.retry_now(delivery)
        self.assertEqual(listener.connections, 0)
        # the attempts that found the public address connected to that address, no other
        self.assertEqual(network.refused, [(PUBLIC, listener.port)] * 2)
        self.assertEqual((delivery.status, delivery.attempts), ("pending", 4))
        self.assertIsNone(delivery.response_code)

    def test_every_retry_checks_the_address_again(self):
        dns = FakeDNS([PUBLIC], ["169.254.169.254"])
        network = self.patch_network(dns)
        delivery = self.delivery_to(f"https://{HOST}/hook")
        webhook_targets.check_url(delivery.endpoint.url)  # as when it was created
        for attempt in range(1, 4):
            delivery = self.deliver(delivery)
            self.assertEqual(delivery.attempts, attempt)
            self.assertIn("not a public address", delivery.last_error)
            self.retry_now(delivery)
        self.assertEqual(network.refused, [])  # nothing was even tried
        self.assertEqual(dns.lookups, 4)

    def test_https_connects_to_the_checked_address_and_verifies_the_name(self):
        dns = FakeDNS([PUBLIC])
        seen = {}
        ends = []

        def connect(address, timeout=None, source_address=None, **kwargs):
            seen["address"] = address
            ours, theirs = socket.socketpair()
            ends.extend([ours, theirs])
            return ours

        def wrap_socket(context, sock, server_hostname=None, **kwargs):
            seen.update(
                server_hostname=server_hostname,
                verify_mode=context.verify_mode,
                check_hostname=context.check_hostname,
            )
            raise ssl.SSLCertVerificationError("certificate verify failed (test)")

        for patcher in (
            mock.patch("socket.getaddrinfo", dns),
            mock.patch("socket.create_connection", connect),
            mock.patch.object(ssl.SSLContext, "wrap_socket", wrap_socket),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)
        self.addCleanup(lambda: [end.close() for end in ends])
        delivery = self.deliver(self.delivery_to(f"https://{HOST}/hook"))
        self.assertEqual(seen["address"][:2], (PUBLIC, 443))
        self.assertEqual(seen["server_hostname"], HOST)
        self.assertEqual(seen["verify_mode"], ssl.CERT_REQUIRED)
        self.assertTrue(seen["check_hostname"])
        self.assertEqual(delivery.status, "pending")
        self.assertIn("certificate verify failed", delivery.last_error)
        self.assertEqual(dns.lookups, 1)


@override_settings(WEBHOOK_ALLOW_PRIVATE_HOSTS=True)  # the local servers are on loopback
class RedirectAndHostTests(WebhookTestCase):
    def test_a_redirect_is_a_failed_delivery_and_is_not_followed(self):
        internal = Server()
        self.addCleanup(internal.close)
        for status in (301, 302, 303, 307, 308):
            receiver = Server(status, f"http://127.0.0.1:{internal.port}/latest/meta-data/")
            self.addCleanup(receiver.close)
            with self.subTest(status=status):
                delivery = self.deliver(
                    self.delivery_to(f"http://127.0.0.1:{receiver.port}/hook-{status}")
                )
                self.assertEqual(len(receiver.requests), 1)
                self.assertEqual(internal.requests, [])
                self.assertEqual((delivery.status, delivery.response_code), ("pending", status))
                self.assertIn("redirect", delivery.last_error)
                self.assertIsNotNone(delivery.next_attempt_at)

    def test_the_request_names_the_host_it_was_addressed_to(self):
        receiver = Server()
        self.addCleanup(receiver.close)
        dns = FakeDNS(["127.0.0.1"])
        self.patch_network(dns)
        delivery = self.deliver(self.delivery_to(f"http://{HOST}:{receiver.port}/hook?x=1"))
        self.assertEqual(delivery.status, "delivered")
        ((method, path, headers),) = receiver.requests
        self.assertEqual((method, path), ("POST", "/hook?x=1"))
        self.assertEqual(headers["Host"], f"{HOST}:{receiver.port}")
        self.assertEqual(headers["Shelfcast-Event"], "alert.opened")
        self.assertEqual(dns.lookups, 1)
