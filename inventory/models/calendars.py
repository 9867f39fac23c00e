"""Calendar events (days of unusual demand known ahead) and the built-in calendars that
write them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models.base import InventoryModel, code_unique, dates_ordered, every_location_or_one


class CalendarPreset(InventoryModel):
    """The built-in calendars a merchant switched on for one location, or for all of them: the
    public holidays of a country (and region) and shopping festivals. `inventory.calendars`
    writes their days as calendar events marked with this preset, from the store's first day
    of sales to a year ahead, and removes the ones of a calendar switched off."""

    location = every_location_or_one("calendar_presets")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    subdivision = models.CharField(
        max_length=16, blank=True, help_text="State, province or region code; empty = national."
    )
    public_holidays = models.BooleanField(default=True)
    festivals = models.JSONField(
        default=list, blank=True, help_text="The shopping festivals switched on, by key."
    )
    prime_day_dates = models.JSONField(
        default=list,
        blank=True,
        help_text="Prime Day spans the merchant gave, as [start, end] ISO dates.",
    )

    class Meta:
        ordering = ["location_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "location"],
                condition=Q(location__isnull=False),
                name="calendarpreset_one_per_location",
            ),
            models.UniqueConstraint(
                fields=["merchant"],
                condition=Q(location__isnull=True),
                name="calendarpreset_one_storewide",
            ),
            models.CheckConstraint(
                condition=Q(public_holidays=False) | ~Q(country=""),
                name="calendarpreset_holidays_need_country",
                violation_error_message="Public holidays need a country.",
            ),
        ]

    def __str__(self) -> str:
        where = self.location.code if self.location_id else "every location"
        return f"Calendars of {where}"

    @property
    def festival_labels(self) -> list[str]:
        labels = dict(CalendarEvent.Source.choices)
        return [labels[key] for key in self.festivals if key in labels]


class CalendarEvent(InventoryModel):
    """A day or span with unusual demand that the merchant knows of ahead: a public holiday,
    a sale day, a payday, a local event. Forecasts take it as a known covariate, in the past
    (to learn what such days did) and in the horizon.

    Entered by hand (`source` manual, no preset) or written by a built-in calendar of a
    `CalendarPreset`, which rewrites and removes only its own."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        PUBLIC_HOLIDAYS = "public_holidays", _("Public holidays")
        CHINESE_NEW_YEAR = "chinese_new_year", _("Chinese New Year period")
        SHOPPING_618 = "618", _("618 mid-year shopping festival")
        SINGLES_DAY = "singles_day", _("Singles' Day (11.11)")
        DOUBLE_TWELVE = "double_twelve", _("12.12")
        BLACK_FRIDAY = "black_friday", _("Black Friday")
        CYBER_MONDAY = "cyber_monday", _("Cyber Monday")
        CHRISTMAS = "christmas", _("Christmas shopping period")
        BOXING_DAY = "boxing_day", _("Boxing Day sales")
        END_OF_SEASON_SALES = "end_of_season_sales", _("End-of-season sales (winter and summer)")
        PRIME_DAY = "prime_day", _("Prime Day")

    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    location = every_location_or_one("calendar_events")
    start_date = models.DateField()
    end_date = models.DateField()
    # a database default too: ingestion's upsert inserts only the columns it was sent
    source = models.CharField(
        max_length=32, choices=Source.choices, default=Source.MANUAL, db_default=Source.MANUAL
    )
    preset = models.ForeignKey(
        CalendarPreset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        help_text="The built-in calendars that wrote it; empty = entered by hand.",
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            code_unique(),
            models.CheckConstraint(
                condition=(Q(preset__isnull=True) & Q(source="manual"))
                | (Q(preset__isnull=False) & ~Q(source="manual")),
                name="calendarevent_generated_has_preset",
                violation_error_message="A generated event names its preset; a manual one none.",
            ),
            dates_ordered(),
        ]
        indexes = [models.Index(fields=["merchant", "start_date", "end_date"], name="event_dates")]

    def __str__(self) -> str:
        return self.name or self.code
