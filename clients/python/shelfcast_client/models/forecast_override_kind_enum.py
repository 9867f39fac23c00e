from enum import StrEnum


class ForecastOverrideKindEnum(StrEnum):
    PERCENT = "percent"
    VALUE = "value"

    def __str__(self) -> str:
        return str(self.value)
