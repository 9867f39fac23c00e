from enum import StrEnum


class V1AlertsListKind(StrEnum):
    ANOMALY = "anomaly"
    BIAS = "bias"
    FAILED_JOB = "failed_job"
    OVERSTOCK = "overstock"
    STALE_DATA = "stale_data"
    STOCK_OUT = "stock_out"

    def __str__(self) -> str:
        return str(self.value)
