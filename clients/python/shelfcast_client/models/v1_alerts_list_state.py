from enum import StrEnum


class V1AlertsListState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    OPEN = "open"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"

    def __str__(self) -> str:
        return str(self.value)
