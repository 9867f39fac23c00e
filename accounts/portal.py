"""The one base of every merchant portal view.

It resolves the merchant from the URL (``/m/<merchant_slug>/...``), checks that the signed-in
user is a member with the permission the view asks for, pins the database tenant for the
whole request, and gives the view ``self.merchant``. Not a member and no such merchant give
the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from accounts import selectors
from accounts.forms import add_form_errors
from accounts.roles import Permission
from accounts.tenancy import tenant_context
from core import runs

ACTIVE_MERCHANT_SESSION_KEY = "active_merchant"


class MerchantViewMixin(LoginRequiredMixin):
    #: the permission on the merchant this view needs (guardian object permission)
    required_permission: str = Permission.VIEW
    #: the tenant model the view shows, if any: its default queryset is scoped
    model = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        slug = kwargs.pop("merchant_slug")
        merchant = selectors.merchant_by_slug(slug=slug)
        membership = (
            selectors.membership_for(user=request.user, merchant=merchant) if merchant else None
        )
        if membership is None:
            raise Http404(gettext("No such merchant."))
        # One lookup of the user's object permissions on the merchant serves the whole request.
        self.granted = selectors.granted_permissions(user=request.user, merchant=merchant)
        self.merchant = merchant
        self.membership = membership
        if not self.can(self.required_permission):
            raise PermissionDenied(gettext("Your role in this merchant does not allow this."))
        request.merchant = merchant
        request.membership = membership
        if request.session.get(ACTIVE_MERCHANT_SESSION_KEY) != merchant.slug:
            request.session[ACTIVE_MERCHANT_SESSION_KEY] = merchant.slug
        with tenant_context(merchant):
            response = super().dispatch(request, *args, **kwargs)
            # Render inside the tenant: templates may still evaluate querysets.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def can(self, permission: str) -> bool:
        return Permission(permission) in self.granted

    def http_method_not_allowed(self, request, *args, **kwargs):
        """An address that only takes a form's answer, opened as a page (a bookmark, or the
        sign-in page sending the reader back to the form they sent as their session ran out):
        a page that says so and leads back into the store, not an empty 405."""
        refused = super().http_method_not_allowed(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return refused
        page = TemplateResponse(request, "405.html", {"merchant": self.merchant}, status=405)
        page["Allow"] = refused["Allow"]
        return page

    def get_queryset(self):
        if self.model is None:
            raise NotImplementedError("Set `model` or override get_queryset().")
        return self.model.objects.for_merchant(self.merchant)

    def get_object_or_404(self, pk: int, queryset=None):
        """The merchant's object with this id; another merchant's answers like a missing one."""
        found = (queryset if queryset is not None else self.get_queryset()).filter(pk=pk).first()
        if found is None:
            raise Http404(
                gettext("No such %(verbose_name)s.")
                % {"verbose_name": self.model._meta.verbose_name}
            )
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["merchant"] = self.merchant
        context["membership"] = self.membership
        context["can_plan"] = self.can(Permission.PLAN)
        context["can_manage"] = self.can(Permission.MANAGE)
        return context


class RunStatusView(MerchantViewMixin, View):
    """A long job's progress as JSON, polled by its page's progress bar
    (static/js/job-progress.js). Set ``model`` (a run model, `core.runs`) and
    ``progress``; another merchant's run answers 404 like a missing one."""

    def progress(self, run) -> tuple[int, int, str]:
        """Steps done, steps in all, and what they are, for the bar's label."""
        raise NotImplementedError

    def get(self, request, pk: int):
        run = self.get_object_or_404(pk)
        done, total, label = self.progress(run)
        response = JsonResponse(runs.progress(run, done=done, total=total, label=label))
        response["Cache-Control"] = "no-store"
        return response


class ServiceFormView(MerchantViewMixin, TemplateView):
    """A page with one form whose post calls a service. A valid form is handed to `save`; its
    result to `saved`, which answers. A ValidationError from the service goes onto the form,
    next to its field, and the page answers 400 with the form as posted, as it does for an
    invalid form."""

    form_class: type | None = None
    #: the form's name in the template's context
    form_name = "form"

    def save(self, form):
        raise NotImplementedError

    def saved(self, form, result):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(self.form_name, self.form_class())
        return context

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                result = self.save(form)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                return self.saved(form, result)
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class ActionView(MerchantViewMixin, View):
    """A post that acts on one object and goes back to a page (`redirect_to`, a URL name
    under the merchant). `act` returns the message of its success; a ValidationError it
    raises is shown as the error instead."""

    redirect_to = ""

    def act(self, request, pk: int) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            messages.success(request, self.act(request, pk))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.redirect_to, merchant_slug=self.merchant.slug)
