from enum import StrEnum


class ModelVersionStatusEnum(StrEnum):
    ACTIVE = "active"
    REJECTED = "rejected"
    RETIRED = "retired"

    def __str__(self) -> str:
        return str(self.value)
