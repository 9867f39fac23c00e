"""Permission matrix: anonymous, viewer, planner, owner and a member of another merchant,
against each portal page and API call."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import ApiToken
from accounts.roles import Permission, Role
from inventory.models import SKU
from tests.factories import api_token_secret, member
from tests.isolation.url_catalogue import all_endpoints
from tests.world import TwoWorldsTestCase

ANONYMOUS, VIEWER, PLANNER, OWNER, OTHER = "anonymous", "viewer", "planner", "owner", "other"
ROLES = (ANONYMOUS, VIEWER, PLANNER, OWNER, OTHER)


class PermissionMatrixTests(TwoWorldsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.users = {
            VIEWER: member(cls.a.merchant, Role.VIEWER),
            PLANNER: member(cls.a.merchant, Role.PLANNER),
            OWNER: cls.a.owner,
            OTHER: cls.b.owner,
        }

    def sign_in(self, role: str) -> None:
        self.client.logout()
        if role != ANONYMOUS:
            self.client.force_login(self.users[role])

    def portal(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"merchant_slug": "alpha", **kwargs})

    def check_matrix(self, method: str, url: str, expected: dict[str, int], data=None):
        for role in ROLES:
            with self.subTest(role=role, url=url, method=method):
                self.sign_in(role)
                response = getattr(self.client, method)(url, data=data or {})
                self.assertEqual(response.status_code, expected[role])
                if role == ANONYMOUS and expected[role] == 302:
                    self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_reading_pages(self):
        sku = self.a.objects[SKU]
        read = {ANONYMOUS: 302, VIEWER: 200, PLANNER: 200, OWNER: 200, OTHER: 404}
        for url in (
            self.portal("inventory:dashboard"),
            self.portal("inventory:sku_list"),
            self.portal("inventory:sku_detail", pk=sku.pk),
            self.portal("inventory:location_list"),
        ):
            self.check_matrix("get", url, read)

    def test_managing_pages(self):
        manage = {ANONYMOUS: 302, VIEWER: 403, PLANNER: 403, OWNER: 200, OTHER: 404}
        for name in ("members", "api_tokens", "merchant_settings"):
            self.check_matrix("get", self.portal(name), manage)

    def test_creating_a_token(self):
        expected = {ANONYMOUS: 302, VIEWER: 403, PLANNER: 403, OWNER: 201, OTHER: 404}
        for role in ROLES:
            with self.subTest(role=role):
                self.sign_in(role)
                response = self.client.post(
                    self.portal("api_tokens"), {"name": f"token {role}", "role": Role.VIEWER}
                )
                self.assertEqual(response.status_code, expected[role])
        names = list(ApiToken.objects.for_merchant(self.a.merchant).values_list("name", flat=True))
        self.assertIn("token owner", names)
        self.assertFalse({"token viewer", "token planner", "token other"} & set(names))

    def test_changing_a_role(self):
        target = member(self.a.merchant, Role.VIEWER)
        membership = target.memberships.get()
        url = self.portal("member_role", pk=membership.pk)
        expected = {ANONYMOUS: 302, VIEWER: 403, PLANNER: 403, OWNER: 302, OTHER: 404}
        for role in ROLES:
            with self.subTest(role=role):
                self.sign_in(role)
                response = self.client.post(url, {"role": Role.PLANNER})
                self.assertEqual(response.status_code, expected[role])
                membership.refresh_from_db()
                self.assertEqual(
                    membership.role, Role.PLANNER if role == OWNER else Role.VIEWER, role
                )
                if role == OWNER:
                    break

    def test_every_merchant_page_checks_its_declared_permission(self):
        """Generic: any portal page without ids, including ones added later, is closed to
        anonymous users and other merchants and open exactly to the roles it declares."""
        grants = {
            VIEWER: {Permission.VIEW},
            PLANNER: {Permission.VIEW, Permission.PLAN},
            OWNER: {Permission.VIEW, Permission.PLAN, Permission.MANAGE},
        }
        pages = [e for e in all_endpoints() if e.is_merchant_portal and not e.id_kwargs]
        self.assertTrue(pages)
        for endpoint in pages:
            needed = endpoint.view_class.required_permission
            url = reverse(endpoint.name, kwargs={"merchant_slug": "alpha"})
            for role in ROLES:
                with self.subTest(url=url, role=role):
                    self.sign_in(role)
                    status = self.client.get(url).status_code
                    if role == ANONYMOUS:
                        self.assertEqual(status, 302)
                    elif role == OTHER:
                        self.assertEqual(status, 404)
                    elif needed in grants[role]:
                        self.assertIn(status, {200, 405})
                    else:
                        self.assertEqual(status, 403)


class ApiPermissionTests(TwoWorldsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.viewer_token = api_token_secret(
            cls.a.merchant, role=Role.VIEWER, name="reader", actor=cls.a.owner
        )

    def test_anonymous_is_asked_to_authenticate(self):
        response = self.client.get(reverse("sku-list"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')

    def test_bad_and_revoked_tokens_are_refused(self):
        for header in ("Bearer nonsense", "Bearer sc_000000000000_x", "Bearer a b"):
            with self.subTest(header=header):
                response = self.client.get(reverse("sku-list"), HTTP_AUTHORIZATION=header)
                self.assertEqual(response.status_code, 401)

    def test_token_reads_its_merchant_only(self):
        response = self.client.get(
            reverse("sku-list"), HTTP_AUTHORIZATION=f"Bearer {self.viewer_token}"
        )
        self.assertEqual(response.status_code, 200)
        codes = [row["code"] for row in response.json()["results"]]
        self.assertEqual(codes, ["ALPHA-SKU"])

    def test_viewer_token_cannot_write(self):
        response = self.client.post(
            reverse("sku-list"),
            data={"code": "NEW"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.viewer_token}",
        )
        self.assertEqual(response.status_code, 403)

    def test_session_member_reads_the_merchant_it_names(self):
        self.client.force_login(self.a.owner)
        response = self.client.get(reverse("api_me"), HTTP_X_MERCHANT="alpha")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["merchant"]["slug"], "alpha")
        response = self.client.get(reverse("api_me"), HTTP_X_MERCHANT="beta")
        self.assertEqual(response.status_code, 404)

    def test_session_member_defaults_to_the_merchant_open_in_the_portal(self):
        self.client.force_login(self.a.owner)
        self.assertEqual(self.client.get(reverse("api_me")).status_code, 404)
        self.client.get(reverse("inventory:dashboard", kwargs={"merchant_slug": "alpha"}))
        self.assertEqual(self.client.get(reverse("api_me")).json()["merchant"]["slug"], "alpha")
