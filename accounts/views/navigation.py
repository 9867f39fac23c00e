"""The pages around the stores: the language switcher, the glossary, the way in (the store last
used, or the switcher) and the merchant switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import glossary, languages, selectors, services
from accounts.portal import ACTIVE_MERCHANT_SESSION_KEY


@require_POST
def language_switch(request):
    """The header's language switcher: remembered on the account of a signed-in person and in
    the language cookie (which the sign-in page reads), then back to the page it came from."""
    language = request.POST.get("language", "")
    if not languages.is_supported(language):
        language = ""
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = redirect(next_url)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


def glossary_page(request):
    """The planning words in plain language, one anchored entry each (the help marks link
    here). Open to anyone: it holds no store's data, and a link to it works when shared."""
    return render(request, "accounts/glossary.html", {"terms": glossary.TERMS})


@login_required
def home(request):
    """Open the merchant last used, or the only one, or the switcher."""
    memberships = list(selectors.memberships_for_user(user=request.user))
    slugs = {membership.merchant.slug for membership in memberships}
    active = request.session.get(ACTIVE_MERCHANT_SESSION_KEY)
    if active in slugs:
        return redirect("inventory:dashboard", merchant_slug=active)
    if len(memberships) == 1:
        return redirect("inventory:dashboard", merchant_slug=memberships[0].merchant.slug)
    return redirect("merchant_switch")


@login_required
def merchant_switch(request):
    memberships = selectors.memberships_for_user(user=request.user)
    return render(request, "accounts/merchant_switch.html", {"memberships": memberships})
