from enum import StrEnum


class V1PurchaseOrdersListStatus(StrEnum):
    CANCELLED = "cancelled"
    DRAFT = "draft"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
