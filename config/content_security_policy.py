"""`Content-Security-Policy` on every response: the portal runs only its own scripts and
styles, loads nothing from other origins and cannot be framed.

What the pages really use, and why each allowance is here:

- Scripts come from ``static/js/`` only: no inline script and no inline event handler in any
  template. ``json_script`` data blocks are not scripts.
- Style sheets come from ``static/css/`` only (``style-src 'self'``: no ``<style>`` blocks).
  Style *attributes* are allowed (``style-src-attr 'unsafe-inline'``): the portal sizes bars
  and progress bars with ``style="width: …"``. An attribute cannot load anything or run script.
- Images: our own and ``data:`` URIs (icons inside style sheets).

Two paths keep the strict script policy but allow inline ``<style>`` blocks, which their
third-party templates carry: the Swagger UI at ``/api/docs/`` (drf-spectacular's template;
its script is served separately by the split view, see config/urls.py) and the admin console
(Django admin's change list and django-guardian's permission page).
"""

from __future__ import annotations

from django.urls import reverse


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
POLICY = _policy(DIRECTIVES)
# Third-party pages with inline <style> blocks: the same policy, styles relaxed.
RELAXED_STYLE_POLICY = _policy({**DIRECTIVES, "style-src": ["'self'", "'unsafe-inline'"]})


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._relaxed_prefixes: tuple[str, ...] | None = None

    def relaxed_prefixes(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not loaded while middleware is built.
        if self._relaxed_prefixes is None:
            self._relaxed_prefixes = (reverse("api_docs"), reverse("admin:index"))
        return self._relaxed_prefixes

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            relaxed = request.path.startswith(self.relaxed_prefixes())
            response.headers["Content-Security-Policy"] = (
                RELAXED_STYLE_POLICY if relaxed else POLICY
            )
        return response
