"""Routes of the portal's resources, built from one naming convention.

A resource's pages sit under one path prefix: the collection at `prefix`, its actions at
`prefix<action>/`; one object at `prefix<int:pk>/`, its actions at `prefix<int:pk>/<action>/`.
Each page is named after the collection or the object and the action (`suggestions_decide`,
`purchase_order_receive`), so the path and the name of a page cannot drift apart.
"""

from django.urls import URLPattern, path
from django.views import View

# The action that stands for the object itself: `prefix<int:pk>/`, named `<name>_detail`.
DETAIL = "detail"


def collection_routes(prefix: str, name: str, views: dict[str, type[View]]) -> list[URLPattern]:
    """The collection's pages: the "" view at `prefix` named `name`, every other action at
    `prefix<action>/` named `<name>_<action>`."""
    return [
        path(f"{prefix}{action}/", view.as_view(), name=f"{name}_{action}")
        if action
        else path(prefix, view.as_view(), name=name)
        for action, view in views.items()
    ]


def object_routes(prefix: str, name: str, views: dict[str, type[View]]) -> list[URLPattern]:
    """One object's pages: the `DETAIL` view at `prefix<int:pk>/`, every other action at
    `prefix<int:pk>/<action>/`; each named `<name>_<action>`."""
    return [
        path(
            f"{prefix}<int:pk>/" if action == DETAIL else f"{prefix}<int:pk>/{action}/",
            view.as_view(),
            name=f"{name}_{action}",
        )
        for action, view in views.items()
    ]


def named_routes(prefix: str, views: dict[str, type[View]]) -> list[URLPattern]:
    """Pages whose path says their name: each view at `prefix<name>/`, named `name`."""
    return [path(f"{prefix}{name}/", view.as_view(), name=name) for name, view in views.items()]
