"""The API's list endpoints, discovered from the URLconf (every route whose GET is a
viewset's ``list``), so a list added later is covered by the tests that use them without
being named anywhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.api.filters import FilterBackend


@dataclass(frozen=True)
class ListEndpoint:
    name: str  # the URL name, e.g. "sku-list"
    path: str
    view: type

    @property
    def model(self):
        return self.view.queryset.model

    def filters(self) -> dict:
        """The list's filters by query parameter, as its filter backend applies them."""
        filterset = FilterBackend().get_filterset_class(self.view(), self.model.objects.none())
        return dict(filterset.base_filters)


def list_endpoints() -> list[ListEndpoint]:
    found: dict[str, ListEndpoint] = {}

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            actions = getattr(pattern.callback, "actions", None) or {}
            if actions.get("get") == "list" and pattern.name and pattern.name not in found:
                path = reverse(pattern.name)
                if path.startswith("/api/"):
                    found[pattern.name] = ListEndpoint(pattern.name, path, pattern.callback.cls)

    walk(get_resolver().url_patterns)
    return sorted(found.values(), key=lambda endpoint: endpoint.path)


def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)
