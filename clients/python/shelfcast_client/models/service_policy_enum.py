from enum import StrEnum


class ServicePolicyEnum(StrEnum):
    CLASSES = "classes"
    STORE = "store"

    def __str__(self) -> str:
        return str(self.value)
