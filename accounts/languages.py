"""The language a person reads Shelfcast in.

A signed-in person may choose one (``User.language``); without a choice the browser's
Accept-Language header decides (Django's LocaleMiddleware, which runs first). The API always
follows the caller's Accept-Language: a token has no person, and a client's header says what
it can show.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"


def is_supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


class UserLanguageMiddleware:
    """Activates the signed-in user's chosen language for the request (after
    AuthenticationMiddleware; LocaleMiddleware has already chosen the browser's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None else ""
        if chosen and is_supported(chosen) and not request.path.startswith(API_PREFIX):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
