"""The one base of every API view: resolves the merchant, checks the role, scopes queries.

The merchant comes from the API token, or, for the portal's own calls with a session, from the
``X-Merchant`` header (a slug) or the merchant last opened in the portal. Reads need the view
permission; writes need plan unless a view says otherwise. Objects of other merchants are
simply not in the queryset, so they answer 404 like objects that do not exist. A query
parameter with a control character is a 400 naming it, whatever the view does with it.
Requests are counted against the merchant's rate limit and the caller's
(accounts/api/throttling.py), and every answer says what is left of them.
"""

from __future__ import annotations

from contextlib import ExitStack

from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, permissions, viewsets
from rest_framework.views import APIView

from accounts import selectors
from accounts.api import idempotency, throttling
from accounts.api.problems import InvalidParameter
from accounts.control_characters import CONTROL_CHARACTERS
from accounts.models import ApiToken
from accounts.portal import ACTIVE_MERCHANT_SESSION_KEY
from accounts.roles import Permission, role_grants
from accounts.tenancy import tenant_context


def _check_query_params(params) -> None:
    """Every query parameter of every request, whatever uses it (filters, ordering, cursor): a
    400 naming the parameter if it carries a control character."""
    for name, values in params.lists():
        if CONTROL_CHARACTERS.search(name):
            raise InvalidParameter({"": "A parameter name contains a control character."})
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            raise InvalidParameter({name: "must not contain control characters"})


def caller(request) -> dict:
    """Who takes a step through the API, as a service's ``actor`` and ``via``: a member, or an
    ERP through a token (recorded as the token, on behalf of the member who created it)."""
    if isinstance(request.auth, ApiToken):
        return {"actor": request.auth.created_by, "via": f"api-token:{request.auth.prefix}"}
    return {"actor": request.user, "via": "api"}


class MerchantAPIMixin:
    read_permission: str = Permission.VIEW
    write_permission: str = Permission.PLAN
    # What a list may be ordered by (`ordering`), unless a view says more: unique or
    # monotonic fields only, which cursor pages need.
    ordering_fields = ["id", "updated_at"]

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with the handler run inside the merchant's tenant context (entered
        by `initial`) and, for writes with an Idempotency-Key, at most once."""
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        with ExitStack() as stack:
            self._tenant_stack = stack
            try:
                self.initial(request, *args, **kwargs)
                method = request.method.lower()
                handler = (
                    getattr(self, method, self.http_method_not_allowed)
                    if method in self.http_method_names
                    else self.http_method_not_allowed
                )
                key = request.headers.get(idempotency.HEADER)
                if key is not None and request.method not in permissions.SAFE_METHODS:
                    response = self._run_idempotent(request, key, handler, args, kwargs)
                else:
                    response = handler(request, *args, **kwargs)
            except Exception as exc:  # DRF turns every exception into an answer
                response = self.handle_exception(exc)
            self.response = self.finalize_response(request, response, *args, **kwargs)
            if not getattr(self.response, "is_rendered", True):
                self.response.render()
        return self.response

    def _run_idempotent(self, request, key, handler, args, kwargs):
        request.data  # noqa: B018  parse (and size-check) the body before fingerprinting it
        body = getattr(request, "raw_body", b"")
        return idempotency.run_once(
            merchant=self.merchant,
            key=key,
            fingerprint_=idempotency.fingerprint(
                method=request.method, path=request.get_full_path(), body=body
            ),
            handler=lambda: self.finalize_response(
                request, handler(request, *args, **kwargs), *args, **kwargs
            ),
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # resolves the merchant (`check_throttles`)
        needed = (
            self.read_permission
            if request.method in permissions.SAFE_METHODS
            else self.write_permission
        )
        if not self._caller_can(request, needed):
            raise exceptions.PermissionDenied(
                gettext("Your role in this merchant does not allow this.")
            )
        _check_query_params(request.query_params)
        self._tenant_stack.enter_context(tenant_context(self.merchant))

    def check_throttles(self, request):
        """DRF checks the throttles after authentication and the permission classes; the
        merchant is resolved here, just before them, so that they count per merchant as well
        as per caller (accounts/api/throttling.py)."""
        self.merchant = self._resolve_merchant(request)
        super().check_throttles(request)

    def throttled(self, request, wait):
        raise throttling.refusal(request, wait)

    def finalize_response(self, request, response, *args, **kwargs):
        """Every answer, refusals included, says the rate limits and what is left of them."""
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in throttling.headers(request).items():
            response[name] = value
        return response

    def _resolve_merchant(self, request):
        if isinstance(request.auth, ApiToken):
            return request.auth.merchant
        slug = request.headers.get("X-Merchant") or request.session.get(ACTIVE_MERCHANT_SESSION_KEY)
        merchant = selectors.merchant_by_slug(slug=slug) if slug else None
        if (
            merchant is None
            or selectors.membership_for(user=request.user, merchant=merchant) is None
        ):
            raise Http404(gettext("No such merchant."))
        return merchant

    def _caller_can(self, request, permission: str) -> bool:
        if isinstance(request.auth, ApiToken):
            return role_grants(request.auth.role, permission)
        return Permission(permission) in selectors.granted_permissions(
            user=request.user, merchant=self.merchant
        )

    def get_queryset(self):
        return self.queryset.all().for_merchant(self.merchant)


class MerchantAPIView(MerchantAPIMixin, APIView):
    pass


class MerchantReadOnlyViewSet(MerchantAPIMixin, viewsets.ReadOnlyModelViewSet):
    pass


class MerchantModelViewSet(MerchantAPIMixin, viewsets.ModelViewSet):
    def perform_create(self, serializer):
        serializer.save(merchant=self.merchant)
