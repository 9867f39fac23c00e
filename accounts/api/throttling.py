"""Rate limits per API token (or per signed-in user), counted in the shared cache: Redis in
production, so every web process sees the same counts."""

from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class CallerRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anonymous:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
