from enum import StrEnum


class V1PromotionPlansListStatus(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    PROPOSED = "proposed"
    SUPERSEDED = "superseded"

    def __str__(self) -> str:
        return str(self.value)
