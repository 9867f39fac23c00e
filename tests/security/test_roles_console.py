"""Roles changed in the admin console go through the same service as the portal's
(`accounts.services.membership_set_role` / `membership_remove`): the role, guardian's object
permissions and the security audit log change together, and no console page writes a role,
a membership or an object permission around it."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import TestCase
from django.urls import reverse

from accounts import selectors
from accounts.models import Membership, SecurityEvent
from accounts.roles import Permission, Role
from accounts.tenancy import tenant_context
from tests.factories import UserFactory, member, merchants

IP = "198.51.100.40"


def membership_of(merchant, user) -> Membership | None:
    return Membership.objects.for_merchant(merchant).filter(user=user).first()


def form_data(form) -> dict:
    """What a browser posts back for an unchanged admin form (or inline form)."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = str(value)
    return data


class ConsoleRoleChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant_a, cls.merchant_b = merchants("alpha", "beta")
        cls.owner = member(cls.merchant_a, Role.OWNER, UserFactory(email="owner@a.test"))
        cls.viewer = member(cls.merchant_a, Role.VIEWER, UserFactory(email="viewer@a.test"))
        cls.other_owner = member(cls.merchant_b, Role.OWNER, UserFactory(email="owner@b.test"))
        cls.staff = UserFactory(email="ops@shelfcast.test", is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.staff)

    def granted(self, user, merchant=None) -> frozenset[str]:
        return selectors.granted_permissions(user=user, merchant=merchant or self.merchant_a)

    def events(self, kind, merchant=None) -> list[SecurityEvent]:
        merchant = merchant or self.merchant_a
        with tenant_context(merchant):
            return list(SecurityEvent.objects.for_merchant(merchant).filter(kind=kind))

    def act(self, action, *users, merchant=None):
        merchant = merchant or self.merchant_a
        pks = [membership_of(merchant, user).pk for user in users]
        return self.client.post(
            reverse("admin:accounts_membership_changelist"),
            {"action": action, "_selected_action": pks},
            REMOTE_ADDR=IP,
        )

    def assertInStep(self, user, role, merchant=None):
        """The stored role and the object permissions the portal checks agree."""
        merchant = merchant or self.merchant_a
        self.assertEqual(membership_of(merchant, user).role, role)
        self.assertEqual(
            self.granted(user, merchant),
            {
                Role.VIEWER: {Permission.VIEW},
                Role.PLANNER: {Permission.VIEW, Permission.PLAN},
                Role.OWNER: {Permission.VIEW, Permission.PLAN, Permission.MANAGE},
            }[role],
        )

    def test_a_role_changed_in_the_console_moves_permissions_and_is_recorded(self):
        response = self.act("make_owner", self.viewer)
        self.assertEqual(response.status_code, 302)
        self.assertInStep(self.viewer, Role.OWNER)
        (event,) = self.events(SecurityEvent.Kind.ROLE_CHANGED)
        self.assertEqual((event.actor, event.ip_address), (self.staff, IP))
        self.assertEqual(
            (event.details["email"], event.details["from"], event.details["to"]),
            ("viewer@a.test", "viewer", "owner"),
        )
        self.act("make_viewer", self.owner)  # another owner now exists: allowed
        self.assertInStep(self.owner, Role.VIEWER)
        # the other merchant is untouched
        self.assertInStep(self.other_owner, Role.OWNER, self.merchant_b)
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED, self.merchant_b), [])

    def test_the_last_owner_keeps_the_role_and_nothing_is_recorded(self):
        response = self.act("make_viewer", self.owner)
        self.assertInStep(self.owner, Role.OWNER)
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED), [])
        words = " ".join(str(message) for message in get_messages(response.wsgi_request))
        self.assertIn("at least one owner", words)

    def test_the_change_form_does_not_write_the_role(self):
        membership = membership_of(self.merchant_a, self.viewer)
        url = reverse("admin:accounts_membership_change", args=[membership.pk])
        self.client.post(
            url,
            {"merchant": self.merchant_a.pk, "user": self.viewer.pk, "role": Role.OWNER},
            REMOTE_ADDR=IP,
        )
        self.assertInStep(self.viewer, Role.VIEWER)
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED), [])

    def test_the_merchant_page_does_not_write_roles_either(self):
        from accounts import support_access

        # the store lets staff change its settings; roles still change only by the actions
        support_access.support_access_grant(merchant=self.merchant_a, days=1, actor=self.owner)
        url = reverse("admin:accounts_merchant_change", args=[self.merchant_a.pk])
        page = self.client.get(url)
        self.assertContains(page, "viewer@a.test (Viewer)")
        data = form_data(page.context["adminform"].form)
        for inline in page.context["inline_admin_formsets"]:
            formset = inline.formset
            data.update(form_data(formset.management_form))
            for form in formset.forms:
                data.update(form_data(form))
                data[f"{form.prefix}-role"] = Role.OWNER  # what a hand-made post would say
        response = self.client.post(url, data, REMOTE_ADDR=IP)
        self.assertEqual(response.status_code, 302)  # the merchant's own fields still save
        self.assertInStep(self.viewer, Role.VIEWER)
        self.assertEqual(self.events(SecurityEvent.Kind.ROLE_CHANGED), [])

    def test_a_member_removed_in_the_console_loses_permissions_and_is_recorded(self):
        self.act("remove_from_merchant", self.viewer)
        self.assertIsNone(membership_of(self.merchant_a, self.viewer))
        self.assertEqual(self.granted(self.viewer), frozenset())
        (event,) = self.events(SecurityEvent.Kind.MEMBER_REMOVED)
        self.assertEqual((event.actor, event.details["email"]), (self.staff, "viewer@a.test"))

    def test_no_console_page_adds_deletes_or_grants_around_the_service(self):
        membership = membership_of(self.merchant_a, self.viewer)
        self.assertEqual(self.client.get(reverse("admin:accounts_membership_add")).status_code, 403)
        delete = reverse("admin:accounts_membership_delete", args=[membership.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.client.post(
            reverse("admin:accounts_membership_changelist"),
            {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
        )
        self.assertInStep(self.viewer, Role.VIEWER)
        # guardian's own object-permission pages would grant a permission no role holds
        page = self.client.get(
            reverse("admin:accounts_merchant_change", args=[self.merchant_a.pk]).replace(
                "/change/", "/permissions/"
            ),
            follow=True,
        )
        used = {template.name for template in page.templates}
        self.assertNotIn("admin/guardian/model/obj_perms_manage.html", used)
