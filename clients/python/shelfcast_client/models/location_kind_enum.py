from enum import StrEnum


class LocationKindEnum(StrEnum):
    STORE = "store"
    WAREHOUSE = "warehouse"

    def __str__(self) -> str:
        return str(self.value)
