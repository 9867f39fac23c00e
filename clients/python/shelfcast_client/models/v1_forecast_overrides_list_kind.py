from enum import StrEnum


class V1ForecastOverridesListKind(StrEnum):
    PERCENT = "percent"
    VALUE = "value"

    def __str__(self) -> str:
        return str(self.value)
