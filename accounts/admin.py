from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import onboarding, selectors, services
from accounts.admin_site import ReadOnlyAdminMixin, StoreDataAdminMixin, TenantOwnedAdmin
from accounts.client_address import client_ip
from accounts.forms import OnboardMerchantForm, add_form_errors
from accounts.models import (
    AccountEvent,
    ApiToken,
    Invitation,
    Membership,
    Merchant,
    SecurityEvent,
    SupportAccess,
    User,
)
from accounts.roles import Role

# What the members' page says once roles are set, by role (each a sentence of its own, so that
# every language can say it whole).
ROLE_SET_MESSAGES = {
    Role.OWNER: lambda count: ngettext(
        "%(count)s member is now an owner.", "%(count)s members are now owners.", count
    ),
    Role.PLANNER: lambda count: ngettext(
        "%(count)s member is now a planner.", "%(count)s members are now planners.", count
    ),
    Role.VIEWER: lambda count: ngettext(
        "%(count)s member is now a viewer.", "%(count)s members are now viewers.", count
    ),
}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name"]}),
        (_("Platform access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Merchant)
class MerchantAdmin(StoreDataAdminMixin, admin.ModelAdmin):
    """Merchants and who belongs to them. Members are listed, not edited, here: roles and
    removals are actions of the members' page, which go through the services. No guardian
    object-permission pages either: a merchant's permissions follow its members' roles,
    never a hand-made grant.

    A store's settings are its data: read-only unless it grants support access. Adding a
    merchant is onboarding a store (`add_view`)."""

    list_display = ["name", "slug", "currency", "timezone", "target_service_level", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["currency"]
    readonly_fields = ["members", "support_access", "created_at", "updated_at"]

    def store_id(self, obj) -> int:
        return obj.pk

    def add_view(self, request, form_url="", extra_context=None):
        """Onboard a store from one form: the merchant, an invitation for its owner, an API
        token (its secret shown on the answer to this form, once, and kept nowhere) and,
        if asked, the sample data loaded by a worker."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OnboardMerchantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                onboarded = onboarding.merchant_onboard(
                    name=data["name"],
                    slug=data["slug"],
                    owner_email=data["owner_email"],
                    timezone_name=data["timezone"],
                    currency=data["currency"],
                    token_name=data["token_name"],
                    token_role=data["token_role"],
                    load_sample_data=data["load_sample_data"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                self.log_addition(request, onboarded.merchant, [{"added": {}}])
                response = TemplateResponse(
                    request,
                    "admin/accounts/merchant/onboarded.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": gettext("Store onboarded"),
                        "opts": self.model._meta,
                        "onboarded": onboarded,
                    },
                )
                response["Cache-Control"] = "no-store"  # the page holds the token's secret
                return response
        return TemplateResponse(
            request,
            "admin/accounts/merchant/onboard.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Onboard a store"),
                "opts": self.model._meta,
                "form": form,
            },
            status=400 if form.is_bound else 200,
        )

    @admin.display(description=_("Support access"))
    def support_access(self, merchant: Merchant) -> str:
        if merchant.pk is None:
            return "-"
        grant = selectors.support_access_active(merchant=merchant)
        if grant is None:
            return gettext("Not granted: the store's data is read-only here.")
        return gettext("Granted by %(person)s until %(until)s.") % {
            "person": grant.granted_by or gettext("an owner"),
            "until": f"{grant.expires_at:%Y-%m-%d %H:%M} UTC",
        }

    @admin.display(description=_("Members"))
    def members(self, merchant: Merchant) -> str:
        if merchant.pk is None:
            return "-"
        memberships = (
            Membership.objects.for_merchant(merchant).select_related("user").order_by("user__email")
        )
        listing = format_html_join(
            "", "<li>{} ({})</li>", ((m.user.email, m.get_role_display()) for m in memberships)
        )
        link = (
            reverse("admin:accounts_membership_changelist") + f"?merchant__id__exact={merchant.pk}"
        )
        return format_html('<ul>{}</ul><a href="{}">{}</a>', listing, link, gettext("Change roles"))


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    """Members and their roles across merchants, read-only: a role changes, and a member
    leaves, only through this page's actions, which call the portal's services, so guardian's
    object permissions and the merchant's security log (actor: the staff member) change in
    the same transaction as the role. People join a merchant by invitation, in the portal."""

    list_display = ["user", "merchant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "merchant__name"]
    list_select_related = ["merchant", "user"]
    fields = readonly_fields = ["merchant", "user", "role", "created_at", "updated_at"]
    actions = ["make_owner", "make_planner", "make_viewer", "remove_from_merchant"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the page shows the membership; the actions change it

    def has_delete_permission(self, request, obj=None):
        return False  # a plain delete would leave the member's object permissions behind

    def has_manage_roles_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_membership")

    def _each(self, request, queryset: QuerySet[Membership], change) -> int:
        """Apply ``change(membership)`` (a membership service) to each selected membership;
        a refusal is reported and the others go on. Returns how many were changed."""
        done = 0
        for membership in queryset.select_related("merchant", "user"):
            try:
                change(membership)
            except ValidationError as error:
                self._refused(request, membership, error)
            else:
                done += 1
        return done

    def _set_role(self, request, queryset: QuerySet[Membership], role: Role) -> None:
        done = self._each(request, queryset, lambda membership: services.membership_set_role(
            merchant=membership.merchant,
            user=membership.user,
            role=role,
            actor=request.user,
            ip_address=client_ip(request),
        ))  # fmt: skip
        if done:
            self.message_user(request, ROLE_SET_MESSAGES[role](done) % {"count": done})

    def _refused(self, request, membership: Membership, error: ValidationError) -> None:
        self.message_user(
            request,
            gettext("%(person)s in %(store)s: %(reason)s")
            % {
                "person": membership.user,
                "store": membership.merchant,
                "reason": " ".join(error.messages),
            },
            messages.ERROR,
        )

    @admin.action(description=_("Make the selected members owners"), permissions=["manage_roles"])
    def make_owner(self, request, queryset):
        self._set_role(request, queryset, Role.OWNER)

    @admin.action(description=_("Make the selected members planners"), permissions=["manage_roles"])
    def make_planner(self, request, queryset):
        self._set_role(request, queryset, Role.PLANNER)

    @admin.action(description=_("Make the selected members viewers"), permissions=["manage_roles"])
    def make_viewer(self, request, queryset):
        self._set_role(request, queryset, Role.VIEWER)

    @admin.action(
        description=_("Remove the selected members from their merchant"),
        permissions=["manage_roles"],
    )
    def remove_from_merchant(self, request, queryset):
        done = self._each(request, queryset, lambda membership: services.membership_remove(
            merchant=membership.merchant,
            user=membership.user,
            actor=request.user,
            ip_address=client_ip(request),
        ))  # fmt: skip
        if done:
            self.message_user(
                request,
                ngettext("%(count)s member removed.", "%(count)s members removed.", done)
                % {"count": done},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(TenantOwnedAdmin):
    list_display = [
        "name",
        "merchant",
        "role",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["name", "prefix", "merchant__name"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False  # tokens are created by owners in the portal, where the secret is shown


@admin.register(Invitation)
class InvitationAdmin(TenantOwnedAdmin):
    list_display = ["email", "merchant", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "merchant__name"]
    exclude = ["digest"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    list_display = ["created_at", "kind", "merchant", "actor", "ip_address", "details"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["merchant", "actor"]
    search_fields = ["merchant__name", "actor__email"]
    date_hierarchy = "created_at"
    # Details hold names, roles and ids only (audit.security_event_record refuses secrets).
    fields = ["created_at", "kind", "merchant", "actor", "ip_address", "details"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "user", "ip_address"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind", "email", "user", "ip_address", "details"]


@admin.register(SupportAccess)
class SupportAccessAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    """Stores' grants of support access: granted and withdrawn by their owners in the
    portal, never here."""

    list_display = ["merchant", "granted_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["merchant", "granted_by"]
    search_fields = ["merchant__name"]
    fields = ["merchant", "granted_by", "created_at", "expires_at", "revoked_by", "revoked_at"]
