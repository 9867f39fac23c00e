from enum import StrEnum


class StateEnum(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    OPEN = "open"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"

    def __str__(self) -> str:
        return str(self.value)
