from enum import StrEnum


class InEnum(StrEnum):
    BODY = "body"
    HEADER = "header"
    QUERY = "query"

    def __str__(self) -> str:
        return str(self.value)
