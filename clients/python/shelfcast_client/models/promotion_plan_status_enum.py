from enum import StrEnum


class PromotionPlanStatusEnum(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    PROPOSED = "proposed"
    SUPERSEDED = "superseded"

    def __str__(self) -> str:
        return str(self.value)
