from enum import StrEnum


class ReorderSuggestionStatusEnum(StrEnum):
    APPROVED = "approved"
    PROPOSED = "proposed"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"

    def __str__(self) -> str:
        return str(self.value)
