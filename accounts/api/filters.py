"""The list filters of the API, declared once per resource with django-filter.

Every list has a FilterSet: the one its view names (``filterset_class``, a subclass of
`ListFilterSet` in the app's ``api/filters.py``) or, when it names none, `ListFilterSet`
itself. So ``updated_since`` filters every list, an endpoint added later included, and the
schema documents each filter from the same declaration (drf-spectacular reads FilterSets).
The same names mean the same everywhere: ``sku``, ``location`` and ``supplier`` are codes,
``status`` is one of the model's statuses, ``<field>_from`` / ``<field>_to`` bound a date
range (both ends included) and ``active_on`` a day inside a start and end date.

A value that is not of its filter's type is a 400 validation problem whose ``errors`` name
the parameter (``in`` query).
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail

from accounts.api.problems import QUERY, InvalidParameter


class InstantField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time (one without an offset is in the server's time zone), compared
    in UTC as the database stores it: PostgreSQL refuses an offset past 15:59 that Python
    reads (up to 23:59), and year 1 at +05:00 has no UTC at all (then it is invalid)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class ActiveOnFilter(django_filters.DateFilter):
    """Rows running on the given day: started on or before it, ending on or after it."""

    def __init__(self, *, start: str = "start_date", end: str = "end_date", **kwargs):
        self.start, self.end = start, end
        kwargs.setdefault(
            "help_text",
            "Only those running on this date (started on or before it, ending on or after it).",
        )
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(**{f"{self.start}__lte": value, f"{self.end}__gte": value})


def code_filter(field_name: str, what: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name, help_text=f"Only those of the {what} with this code."
    )


def sku_and_location() -> tuple[django_filters.CharFilter, django_filters.CharFilter]:
    """``sku`` and ``location``, for the lists of what one SKU does at one location (its sales,
    forecasts, suggestions, alerts): by either code."""
    return code_filter("sku__code", "SKU"), code_filter("location__code", "location")


def date_range(field_name: str, what: str) -> tuple[django_filters.Filter, django_filters.Filter]:
    """``<name>_from`` and ``<name>_to``: a range of ``field_name``, both ends included."""
    return (
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="gte", help_text=f"Only those {what} on or after."
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="lte", help_text=f"Only those {what} on or before."
        ),
    )


def instant_range(field_name: str, what: str) -> tuple[django_filters.Filter, ...]:
    """As `date_range`, for a date-time field."""
    return (
        InstantFilter(
            field_name=field_name, lookup_expr="gte", help_text=f"Only those {what} at or after."
        ),
        InstantFilter(
            field_name=field_name, lookup_expr="lte", help_text=f"Only those {what} at or before."
        ),
    )


class ListFilterSet(django_filters.FilterSet):
    """The filters of every list. A resource's FilterSet subclasses it and adds its own."""

    updated_since = InstantFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=(
            "Only those created or changed at or after this moment (ISO 8601; without an "
            "offset, UTC): pass the time of your last sync to fetch what changed since."
        ),
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend with `ListFilterSet` for a view that names no FilterSet, and
    invalid values answered as a problem naming their query parameters."""

    def get_filterset_class(self, view, queryset=None):
        return super().get_filterset_class(view, queryset) or ListFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise InvalidParameter(
                {
                    name: [
                        ErrorDetail(message, code=error.code or "invalid")
                        for error in errors
                        for message in error.messages
                    ]
                    for name, errors in filterset.errors.as_data().items()
                },
                location=QUERY,
            )
        return filterset.qs
