from enum import StrEnum


class LimitEnum(StrEnum):
    CAPPED_AT_OVERSTOCK = "capped_at_overstock"
    MOQ_FORCES_OVERSTOCK = "moq_forces_overstock"
    PACK_FORCES_OVERSTOCK = "pack_forces_overstock"

    def __str__(self) -> str:
        return str(self.value)
