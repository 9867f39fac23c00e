"""Signing in and out, password reset, invitations, roles, API tokens, switching merchants."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import ApiToken, Invitation, Membership, User
from accounts.roles import Role
from tests.factories import PASSWORD, MerchantFactory, UserFactory, member


class SignInTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        self.user = member(self.merchant, Role.VIEWER, UserFactory(email="ann@example.test"))

    def test_sign_in_with_email_opens_the_merchant(self):
        response = self.client.post(
            reverse("login"), {"username": "ANN@example.test", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("inventory:dashboard", args=["shop"]))

    def test_wrong_password_is_refused_with_a_message(self):
        response = self.client.post(
            reverse("login"), {"username": "ann@example.test", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "correct email address and password")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_sign_out(self):
        self.client.force_login(self.user)
        response = self.client.post(reverse("logout"))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_reset_by_email(self):
        self.client.post(reverse("password_reset"), {"email": "ann@example.test"})
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"http://[^\s]+/reset/[^\s]+/", mail.outbox[0].body).group(0)
        path = link.split("testserver", 1)[1]
        response = self.client.get(path, follow=True)
        self.assertContains(response, "Choose a new password")
        set_password_url = response.redirect_chain[-1][0]
        response = self.client.post(
            set_password_url,
            {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
        )
        self.assertEqual(response.status_code, 302)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("a-brand-new-secret-42"))

    def test_unknown_address_gets_no_email_but_the_same_answer(self):
        response = self.client.post(reverse("password_reset"), {"email": "nobody@example.test"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(mail.outbox, [])


class MerchantSwitchTests(TestCase):
    def test_a_member_of_two_merchants_chooses_and_switches(self):
        first, second = (
            MerchantFactory(name="First", slug="first"),
            MerchantFactory(name="Second", slug="second"),
        )
        user = member(first, Role.OWNER)
        member(second, Role.VIEWER, user)
        self.client.force_login(user)
        self.assertRedirects(self.client.get(reverse("home")), reverse("merchant_switch"))
        page = self.client.get(reverse("merchant_switch"))
        self.assertContains(page, "First")
        self.assertContains(page, "Second")
        self.client.get(reverse("inventory:dashboard", args=["second"]))
        self.assertRedirects(
            self.client.get(reverse("home")), reverse("inventory:dashboard", args=["second"])
        )

    def test_a_user_without_merchant_sees_what_to_do(self):
        self.client.force_login(UserFactory())
        response = self.client.get(reverse("merchant_switch"))
        self.assertContains(response, "not a member of any store yet")


class RoleTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory()
        self.owner = member(self.merchant, Role.OWNER)

    def test_role_changes_move_the_object_permissions(self):
        user = member(self.merchant, Role.VIEWER)
        self.assertTrue(user.has_perm("accounts.view_merchant", self.merchant))
        self.assertFalse(user.has_perm("accounts.plan_merchant", self.merchant))
        services.membership_set_role(
            merchant=self.merchant, user=user, role=Role.OWNER, actor=self.owner
        )
        user = User.objects.get(pk=user.pk)  # guardian caches permissions per instance
        self.assertTrue(user.has_perm("accounts.manage_merchant", self.merchant))
        services.membership_remove(merchant=self.merchant, user=user, actor=self.owner)
        user = User.objects.get(pk=user.pk)
        self.assertFalse(user.has_perm("accounts.view_merchant", self.merchant))

    def test_permissions_are_per_merchant(self):
        other = MerchantFactory()
        self.assertTrue(self.owner.has_perm("accounts.manage_merchant", self.merchant))
        self.assertFalse(self.owner.has_perm("accounts.view_merchant", other))

    def test_the_last_owner_cannot_leave_or_be_demoted(self):
        with self.assertRaises(ValidationError):
            services.membership_set_role(
                merchant=self.merchant, user=self.owner, role=Role.VIEWER, actor=self.owner
            )
        with self.assertRaises(ValidationError):
            services.membership_remove(merchant=self.merchant, user=self.owner, actor=self.owner)
        self.assertEqual(
            Membership.objects.for_merchant(self.merchant).get(user=self.owner).role, Role.OWNER
        )


class InvitationTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory(name="Tea Shop", slug="tea")
        self.owner = member(self.merchant, Role.OWNER)
        self.client.force_login(self.owner)

    def invite(self, email="new@example.test", role=Role.PLANNER):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("members", args=["tea"]), {"email": email, "role": role}
            )
        return response

    def link_path(self) -> str:
        link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
        return "/" + link.split("/", 3)[3]

    def test_owner_invites_and_invitee_sets_a_password(self):
        response = self.invite()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(mail.outbox[-1].to, ["new@example.test"])
        self.assertIn("Tea Shop", mail.outbox[-1].subject)
        path = self.link_path()
        self.client.logout()
        self.assertContains(self.client.get(path), "Join Tea Shop")
        response = self.client.post(
            path,
            {
                "full_name": "Nia",
                "password": "tea-leaves-9000",
                "password_again": "tea-leaves-9000",
            },
        )
        self.assertRedirects(response, reverse("inventory:dashboard", args=["tea"]))
        user = User.objects.get(email="new@example.test")
        self.assertTrue(user.check_password("tea-leaves-9000"))
        self.assertTrue(user.has_perm("accounts.plan_merchant", self.merchant))
        self.assertFalse(user.has_perm("accounts.manage_merchant", self.merchant))
        # The link works once.
        self.client.logout()
        self.assertEqual(self.client.get(path).status_code, 410)

    def test_the_secret_is_not_stored(self):
        self.invite()
        secret = self.link_path().rstrip("/").rsplit("/", 1)[1]
        invitation = Invitation.objects.for_merchant(self.merchant).get()
        self.assertNotIn(secret, str(Invitation.objects.for_merchant(self.merchant).values()[0]))
        self.assertEqual(selectors.invitation_by_secret(secret=secret), invitation)

    def test_weak_password_and_mismatch_are_shown_next_to_the_field(self):
        self.invite()
        path = self.link_path()
        self.client.logout()
        response = self.client.post(path, {"password": "123", "password_again": "123"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "too short", status_code=400)
        response = self.client.post(path, {"password": "long-enough-1", "password_again": "x"})
        self.assertContains(response, "The two passwords differ", status_code=400)
        self.assertFalse(User.objects.filter(email="new@example.test").exists())

    def test_existing_user_accepts_while_signed_in(self):
        existing = UserFactory(email="known@example.test")
        self.invite(email="known@example.test", role=Role.VIEWER)
        path = self.link_path()
        self.client.force_login(existing)
        response = self.client.post(path)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(existing.has_perm("accounts.view_merchant", self.merchant))

    def test_signed_in_as_someone_else_is_refused(self):
        self.invite(email="someone@example.test")
        path = self.link_path()
        self.client.force_login(UserFactory(email="intruder@example.test"))
        response = self.client.post(path)
        self.assertContains(
            response, "This invitation is for someone@example.test", status_code=400
        )
        self.assertFalse(
            Membership.objects.for_merchant(self.merchant).filter(
                user__email="intruder@example.test"
            )
        )

    def test_expired_invitation(self):
        self.invite()
        path = self.link_path()
        Invitation.objects.for_merchant(self.merchant).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        self.client.logout()
        self.assertEqual(self.client.get(path).status_code, 410)
        response = self.client.post(
            path, {"password": "tea-leaves-9000", "password_again": "tea-leaves-9000"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(User.objects.filter(email="new@example.test").exists())

    def test_inviting_a_member_again_is_an_error_on_the_field(self):
        member(self.merchant, Role.VIEWER, UserFactory(email="there@example.test"))
        response = self.invite(email="there@example.test")
        self.assertContains(response, "already a member", status_code=400)

    def test_unknown_invitation_is_404(self):
        self.assertEqual(
            self.client.get(reverse("invitation_accept", args=["nope"])).status_code, 404
        )


class ApiTokenTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        self.owner = member(self.merchant, Role.OWNER)
        self.client.force_login(self.owner)

    def test_token_is_shown_once_and_stored_hashed(self):
        response = self.client.post(
            reverse("api_tokens", args=["shop"]), {"name": "ERP", "role": Role.PLANNER}
        )
        self.assertEqual(response.status_code, 201)
        secret = response.context["new_token"].secret
        self.assertContains(response, secret, status_code=201)
        token = ApiToken.objects.for_merchant(self.merchant).get()
        self.assertNotIn(secret, str(ApiToken.objects.for_merchant(self.merchant).values()[0]))
        self.assertTrue(secret.startswith(f"sc_{token.prefix}_"))
        self.assertNotContains(self.client.get(reverse("api_tokens", args=["shop"])), secret)

    def test_use_is_recorded_and_revocation_is_immediate(self):
        issued = services.api_token_create(
            merchant=self.merchant, name="ERP", role=Role.VIEWER, actor=self.owner
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
        self.assertEqual(self.client.get(reverse("api_me"), **headers).status_code, 200)
        issued.token.refresh_from_db()
        self.assertIsNotNone(issued.token.last_used_at)
        response = self.client.post(reverse("api_token_revoke", args=["shop", issued.token.pk]))
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("api_me"), **headers).status_code, 401)

    def test_only_owners_create_tokens(self):
        planner = member(self.merchant, Role.PLANNER)
        with self.assertRaises(Exception):  # noqa: B017  PermissionDenied
            services.api_token_create(
                merchant=self.merchant, name="x", role=Role.VIEWER, actor=planner
            )

    def test_names_are_unique_per_merchant(self):
        services.api_token_create(
            merchant=self.merchant, name="ERP", role="viewer", actor=self.owner
        )
        response = self.client.post(
            reverse("api_tokens", args=["shop"]), {"name": "ERP", "role": Role.VIEWER}
        )
        self.assertContains(response, "exists already", status_code=400)


class MerchantSettingsTests(TestCase):
    def test_owner_edits_planning_defaults_and_errors_name_the_field(self):
        merchant = MerchantFactory(slug="shop")
        self.client.force_login(member(merchant, Role.OWNER))
        url = reverse("merchant_settings", args=["shop"])
        data = {
            "name": "Shop",
            "timezone": "Europe/London",
            "currency": "EUR",
            "target_service_level": "150",  # percent: the form takes 50 to 99.9
            "review_period_days": "7",
            "nightly_forecast_time": "03:30",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("target_service_level", response.context["form"].errors)
        data["target_service_level"] = "98"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        merchant.refresh_from_db()
        self.assertEqual(str(merchant.target_service_level), "0.9800")
        self.assertEqual(merchant.currency, "EUR")
        self.assertEqual(merchant.nightly_forecast_time.isoformat(), "03:30:00")


class IdempotencyPurgeTests(TestCase):
    def test_keys_older_than_the_retention_are_forgotten_and_newer_kept(self):
        from accounts.models import IdempotencyRecord
        from accounts.tasks import purge_idempotency_records_task
        from accounts.tenancy import tenant_context
        from config.celery import app
        from tests.factories import IdempotencyRecordFactory

        merchant = MerchantFactory()
        old = IdempotencyRecordFactory(merchant=merchant, key="old")
        IdempotencyRecordFactory(merchant=merchant, key="fresh")
        with tenant_context(merchant):
            IdempotencyRecord.objects.for_merchant(merchant).filter(pk=old.pk).update(
                created_at=timezone.now() - dt.timedelta(hours=49)
            )
        self.assertEqual(purge_idempotency_records_task(), 1)
        with tenant_context(merchant):
            keys = list(
                IdempotencyRecord.objects.for_merchant(merchant).values_list("key", flat=True)
            )
        self.assertEqual(keys, ["fresh"])
        schedule = app.conf.beat_schedule["purge-idempotency-records"]
        self.assertEqual(schedule["task"], purge_idempotency_records_task.name)
