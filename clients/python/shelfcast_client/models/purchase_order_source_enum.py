from enum import StrEnum


class PurchaseOrderSourceEnum(StrEnum):
    IMPORTED = "imported"
    SUGGESTED = "suggested"

    def __str__(self) -> str:
        return str(self.value)
