from enum import StrEnum


class PromotionKindEnum(StrEnum):
    FEATURE = "feature"
    MULTIBUY = "multibuy"
    OTHER = "other"
    PRICE_DISCOUNT = "price_discount"

    def __str__(self) -> str:
        return str(self.value)
