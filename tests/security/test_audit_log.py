"""The security audit log: each event kind is written by the action it records, with the
actor and client address, and never with a secret in its details."""

from __future__ import annotations

import json
import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts import audit, services
from accounts.models import AccountEvent, ApiToken, Invitation, Membership, SecurityEvent
from accounts.roles import Role
from accounts.tenancy import all_merchants_context, tenant_context
from tests.factories import PASSWORD, MerchantFactory, UserFactory, member

IP = "198.51.100.23"


class MerchantEventTests(TestCase):
    """Events of one merchant, through the portal pages that cause them."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.owner = member(cls.merchant, Role.OWNER, UserFactory(email="owner@x.test"))
        cls.viewer = member(cls.merchant, Role.VIEWER, UserFactory(email="viewer@x.test"))

    def setUp(self):
        self.client.force_login(self.owner)

    def post(self, url_name, *args, **data):
        with self.captureOnCommitCallbacks(execute=True):  # the invitation email
            return self.client.post(reverse(url_name, args=["shop", *args]), data, REMOTE_ADDR=IP)

    def events(self, kind) -> list[SecurityEvent]:
        with tenant_context(self.merchant):
            return list(SecurityEvent.objects.for_merchant(self.merchant).filter(kind=kind))

    def assertOneEvent(self, kind, **details) -> SecurityEvent:
        events = self.events(kind)
        self.assertEqual(len(events), 1, kind)
        event = events[0]
        self.assertEqual((event.actor, event.ip_address), (self.owner, IP))
        for key, value in details.items():
            self.assertEqual(event.details.get(key), value, key)
        return event

    def test_api_token_created_and_revoked_without_the_secret(self):
        response = self.post("api_tokens", name="ERP", role=Role.PLANNER)
        self.assertEqual(response.status_code, 201)
        secret = response.context["new_token"].secret
        with tenant_context(self.merchant):
            token = ApiToken.objects.for_merchant(self.merchant).get(name="ERP")
        created = self.assertOneEvent(
            SecurityEvent.Kind.TOKEN_CREATED, name="ERP", prefix=token.prefix, role="planner"
        )
        self.post("api_token_revoke", token.pk)
        self.post("api_token_revoke", token.pk)  # revoking twice records it once
        revoked = self.assertOneEvent(SecurityEvent.Kind.TOKEN_REVOKED, token_id=token.pk)
        for event in (created, revoked):
            text = json.dumps(event.details)
            self.assertNotIn(secret, text)
            self.assertNotIn(secret.rsplit("_", 1)[1], text)
            self.assertNotIn(token.digest, text)

    def test_invitation_sent_withdrawn_and_accepted(self):
        self.post("members", email="new@x.test", role=Role.PLANNER)
        invited = self.assertOneEvent(
            SecurityEvent.Kind.MEMBER_INVITED, email="new@x.test", role="planner"
        )
        link_secret = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
        self.assertNotIn(link_secret, json.dumps(invited.details))
        with tenant_context(self.merchant):
            invitation = Invitation.objects.for_merchant(self.merchant).get(email="new@x.test")
        self.post("invitation_revoke", invitation.pk)
        self.assertOneEvent(SecurityEvent.Kind.INVITATION_REVOKED, email="new@x.test")

        # accepted by someone new: they are its actor, signed out, from their own address
        self.post("members", email="other@x.test", role=Role.VIEWER)
        secret = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body).group(1)
        self.client.logout()
        self.client.post(
            reverse("invitation_accept", args=[secret]),
            {"password": "a-long-new-password-1", "password_again": "a-long-new-password-1"},
            REMOTE_ADDR="192.0.2.99",
        )
        [added] = [
            event
            for event in self.events(SecurityEvent.Kind.MEMBER_ADDED)
            if event.details["email"] == "other@x.test"
        ]
        self.assertEqual((added.actor.email, added.ip_address), ("other@x.test", "192.0.2.99"))
        self.assertEqual(added.details["role"], "viewer")
        self.assertNotIn("a-long-new-password-1", json.dumps(added.details))

    def test_role_changed_and_member_removed(self):
        with tenant_context(self.merchant):
            membership = Membership.objects.for_merchant(self.merchant).get(user=self.viewer)
        self.post("member_role", membership.pk, role=Role.PLANNER)
        self.assertOneEvent(SecurityEvent.Kind.ROLE_CHANGED, email="viewer@x.test", to="planner")
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED)[0].details["from"], "viewer")
        self.post("member_remove", membership.pk)
        self.assertOneEvent(SecurityEvent.Kind.MEMBER_REMOVED, user_id=self.viewer.pk)

    def test_a_refused_change_records_nothing(self):
        with tenant_context(self.merchant):
            membership = Membership.objects.for_merchant(self.merchant).get(user=self.owner)
        self.post("member_role", membership.pk, role=Role.VIEWER)  # the last owner
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED), [])

    def test_events_are_the_merchants_own(self):
        other = MerchantFactory(slug="other")
        member(other, Role.OWNER)
        with tenant_context(self.merchant):
            mine = SecurityEvent.objects.for_merchant(self.merchant).count()
        with all_merchants_context():
            everyone = SecurityEvent.objects.unscoped().count()
        self.assertGreater(everyone, mine)
        self.assertEqual(mine, 2)  # the owner and the viewer joining

    def test_details_that_look_like_secrets_are_refused(self):
        with self.assertRaises(ValueError):
            audit.security_event_record(
                merchant=self.merchant,
                kind=SecurityEvent.Kind.TOKEN_CREATED,
                actor=self.owner,
                details={"secret": "sc_abc"},
            )


class AccountEventTests(TestCase):
    def setUp(self):
        self.user = UserFactory(email="ann@x.test")

    def kinds(self) -> list[str]:
        return list(
            AccountEvent.objects.order_by("created_at", "pk").values_list("kind", flat=True)
        )

    def test_sign_in_failure_and_sign_out(self):
        self.client.post(
            reverse("login"),
            {"username": "ann@x.test", "password": "wrong-guess-77"},
            REMOTE_ADDR=IP,
        )
        self.client.post(
            reverse("login"), {"username": "ann@x.test", "password": PASSWORD}, REMOTE_ADDR=IP
        )
        self.client.post(reverse("logout"), REMOTE_ADDR=IP)
        self.assertEqual(self.kinds(), ["sign_in_failed", "sign_in", "sign_out"])
        failed, signed_in, signed_out = AccountEvent.objects.order_by("created_at", "pk")
        self.assertEqual((failed.email, failed.ip_address), ("ann@x.test", IP))
        self.assertEqual((signed_in.user, signed_out.user), (self.user, self.user))
        for event in AccountEvent.objects.all():
            self.assertNotIn("wrong-guess-77", json.dumps(event.details) + event.email)
            self.assertNotIn(PASSWORD, json.dumps(event.details) + event.email)

    def test_a_password_typed_into_the_email_field_is_not_kept(self):
        self.client.post(reverse("login"), {"username": "hunter2hunter2", "password": "x"})
        event = AccountEvent.objects.get(kind=AccountEvent.Kind.SIGN_IN_FAILED)
        self.assertEqual(event.email, "")

    def test_password_changed_and_reset(self):
        self.client.force_login(self.user)
        self.client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "another-long-secret-9",
                "new_password2": "another-long-secret-9",
            },
        )
        changed = AccountEvent.objects.get(kind=AccountEvent.Kind.PASSWORD_CHANGED)
        self.assertEqual((changed.user, changed.details), (self.user, {"via": "password_change"}))

        self.client.logout()
        self.client.post(reverse("password_reset"), {"email": "ann@x.test"})
        requested = AccountEvent.objects.get(kind=AccountEvent.Kind.PASSWORD_RESET_REQUESTED)
        self.assertEqual(requested.email, "ann@x.test")
        link = re.search(r"http://testserver(/[^\s]+/reset/[^\s]+/)", mail.outbox[0].body).group(1)
        response = self.client.get(link, follow=True)
        self.client.post(
            response.redirect_chain[-1][0],
            {"new_password1": "third-long-secret-5", "new_password2": "third-long-secret-5"},
        )
        reset = AccountEvent.objects.filter(kind=AccountEvent.Kind.PASSWORD_CHANGED).latest("pk")
        self.assertEqual((reset.user, reset.details), (self.user, {"via": "password_reset"}))
        text = json.dumps(list(AccountEvent.objects.values("details", "email")))
        for secret in ("another-long-secret-9", "third-long-secret-5", link.split("/")[-2]):
            self.assertNotIn(secret, text)


class AuditAdminTests(TestCase):
    def test_staff_read_events_and_cannot_change_them(self):
        merchant = MerchantFactory(slug="shop")
        owner = member(merchant, Role.OWNER)
        issued = services.api_token_create(
            merchant=merchant, name="ERP", role=Role.PLANNER, actor=owner
        )
        staff = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(staff)
        listing = self.client.get(
            reverse("admin:accounts_securityevent_changelist"), {"kind": "token_created"}
        )
        self.assertContains(listing, "API token created")
        self.assertNotContains(listing, issued.secret)
        with all_merchants_context():
            event = SecurityEvent.objects.unscoped().get(kind="token_created")
        change = reverse("admin:accounts_securityevent_change", args=[event.pk])
        self.assertNotContains(self.client.get(change), issued.secret)
        self.client.post(change, {"kind": "member_removed"})
        with all_merchants_context():
            self.assertEqual(
                SecurityEvent.objects.unscoped().get(pk=event.pk).kind, "token_created"
            )
        self.assertEqual(
            self.client.get(reverse("admin:accounts_accountevent_changelist")).status_code, 200
        )
        self.assertEqual(
            self.client.get(reverse("admin:accounts_securityevent_add")).status_code, 403
        )
