from enum import StrEnum


class ActionEnum(StrEnum):
    CHANGED = "changed"
    CREATED = "created"
    ENDED = "ended"

    def __str__(self) -> str:
        return str(self.value)
