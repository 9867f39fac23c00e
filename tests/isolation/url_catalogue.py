"""Every URL pattern of the project, with what its parameters are, found by walking the
resolver. Nothing here lists URLs by hand: patterns added later are picked up by themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter

MERCHANT_KWARG = "merchant_slug"
ID_NAMES = {"pk", "id"}


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced, for reverse()
    route: str
    kwargs: tuple[tuple[str, str], ...]  # (name, kind) with kind in id|slug|str|path|format
    callback: object

    @property
    def kwarg_names(self) -> set[str]:
        return {name for name, _ in self.kwargs}

    @property
    def is_merchant_portal(self) -> bool:
        return MERCHANT_KWARG in self.kwarg_names

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def is_console(self) -> bool:
        return self.route.startswith("console/")

    @property
    def id_kwargs(self) -> list[str]:
        return [name for name, kind in self.kwargs if kind == "id"]

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)


def _kind(name: str, converter) -> str:
    if name == "format":
        return "format"
    if isinstance(converter, IntConverter) or (converter is None and name in ID_NAMES):
        return "id"
    if name.endswith("_pk") or name.endswith("_id"):
        return "id"
    if isinstance(converter, SlugConverter):
        return "slug"
    if isinstance(converter, PathConverter):
        return "path"
    if isinstance(converter, StringConverter) or converter is None:
        return "str"
    return "str"


def _walk(patterns, namespace: str, route: str, kwargs: dict):
    for entry in patterns:
        pattern = entry.pattern
        converters = getattr(pattern, "converters", {})
        names = dict(kwargs)
        for group in pattern.regex.groupindex:
            names[group] = _kind(group, converters.get(group))
        here = route + str(pattern)
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, child_namespace, here, names)
        elif isinstance(entry, URLPattern):
            yield Endpoint(
                name=f"{namespace}{entry.name}" if entry.name else "",
                route=here,
                kwargs=tuple(sorted(names.items())),
                callback=entry.callback,
            )


def all_endpoints() -> list[Endpoint]:
    return list(_walk(get_resolver().url_patterns, "", "", {}))
