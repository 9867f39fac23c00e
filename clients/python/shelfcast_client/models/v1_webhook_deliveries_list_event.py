from enum import StrEnum


class V1WebhookDeliveriesListEvent(StrEnum):
    ALERT_OPENED = "alert.opened"
    ALERT_RESOLVED = "alert.resolved"
    FORECAST_RUN_FINISHED = "forecast_run.finished"
    IMPORT_FINISHED = "import.finished"
    PURCHASE_ORDER_CANCELLED = "purchase_order.cancelled"
    PURCHASE_ORDER_CREATED = "purchase_order.created"
    PURCHASE_ORDER_PARTLY_RECEIVED = "purchase_order.partly_received"
    PURCHASE_ORDER_RECEIVED = "purchase_order.received"
    PURCHASE_ORDER_SENT = "purchase_order.sent"
    SUGGESTION_CREATED = "suggestion.created"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)
