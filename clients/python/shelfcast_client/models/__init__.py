"""Contains all the data models used in inputs/outputs"""

from .action_enum import ActionEnum
from .alert import Alert
from .alert_kind_enum import AlertKindEnum
from .alert_snooze_request import AlertSnoozeRequest
from .approval import Approval
from .blank_enum import BlankEnum
from .calendar_event import CalendarEvent
from .calendar_event_request import CalendarEventRequest
from .calendar_event_source_enum import CalendarEventSourceEnum
from .calendar_preset import CalendarPreset
from .calendar_preset_request import CalendarPresetRequest
from .decision_request import DecisionRequest
from .defer_request import DeferRequest
from .deferral import Deferral
from .event_types_enum import EventTypesEnum
from .explanation import Explanation
from .explanation_group import ExplanationGroup
from .festivals_enum import FestivalsEnum
from .forecast import Forecast
from .forecast_day import ForecastDay
from .forecast_override import ForecastOverride
from .forecast_override_event import ForecastOverrideEvent
from .forecast_override_event_changes import ForecastOverrideEventChanges
from .forecast_override_kind_enum import ForecastOverrideKindEnum
from .forecast_override_request import ForecastOverrideRequest
from .forecast_run import ForecastRun
from .forecast_run_model_counts import ForecastRunModelCounts
from .forecast_run_status_enum import ForecastRunStatusEnum
from .forecast_value_added import ForecastValueAdded
from .ids_request import IdsRequest
from .in_enum import InEnum
from .ingest_result import IngestResult
from .language_enum import LanguageEnum
from .lead_time_demand import LeadTimeDemand
from .limit_enum import LimitEnum
from .location import Location
from .location_kind_enum import LocationKindEnum
from .location_request import LocationRequest
from .model_version import ModelVersion
from .model_version_status_enum import ModelVersionStatusEnum
from .order_line import OrderLine
from .order_line_request import OrderLineRequest
from .paginated_alert_list import PaginatedAlertList
from .paginated_calendar_event_list import PaginatedCalendarEventList
from .paginated_calendar_preset_list import PaginatedCalendarPresetList
from .paginated_forecast_list import PaginatedForecastList
from .paginated_forecast_override_list import PaginatedForecastOverrideList
from .paginated_forecast_run_list import PaginatedForecastRunList
from .paginated_location_list import PaginatedLocationList
from .paginated_order_line_list import PaginatedOrderLineList
from .paginated_promotion_list import PaginatedPromotionList
from .paginated_promotion_plan_list import PaginatedPromotionPlanList
from .paginated_purchase_order_list import PaginatedPurchaseOrderList
from .paginated_reorder_suggestion_list import PaginatedReorderSuggestionList
from .paginated_sales_day_list import PaginatedSalesDayList
from .paginated_sku_list import PaginatedSKUList
from .paginated_stock_level_list import PaginatedStockLevelList
from .paginated_supplier_item_list import PaginatedSupplierItemList
from .paginated_supplier_list import PaginatedSupplierList
from .paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from .paginated_webhook_endpoint_list import PaginatedWebhookEndpointList
from .patched_forecast_override_request import PatchedForecastOverrideRequest
from .patched_planning_settings_request import PatchedPlanningSettingsRequest
from .patched_quantity_request import PatchedQuantityRequest
from .patched_webhook_endpoint_request import PatchedWebhookEndpointRequest
from .planner_value_added import PlannerValueAdded
from .planning_settings import PlanningSettings
from .problem_details import ProblemDetails
from .problem_error import ProblemError
from .promotion import Promotion
from .promotion_kind_enum import PromotionKindEnum
from .promotion_plan import PromotionPlan
from .promotion_plan_status_enum import PromotionPlanStatusEnum
from .promotion_request import PromotionRequest
from .purchase_order import PurchaseOrder
from .purchase_order_cancel_request import PurchaseOrderCancelRequest
from .purchase_order_line import PurchaseOrderLine
from .purchase_order_line_quantity_request import PurchaseOrderLineQuantityRequest
from .purchase_order_line_request import PurchaseOrderLineRequest
from .purchase_order_receive_request import PurchaseOrderReceiveRequest
from .purchase_order_request import PurchaseOrderRequest
from .purchase_order_send_request import PurchaseOrderSendRequest
from .purchase_order_source_enum import PurchaseOrderSourceEnum
from .purchase_order_status_enum import PurchaseOrderStatusEnum
from .reorder_suggestion import ReorderSuggestion
from .reorder_suggestion_status_enum import ReorderSuggestionStatusEnum
from .run_accuracy import RunAccuracy
from .sales_day import SalesDay
from .sales_day_request import SalesDayRequest
from .service_policy_enum import ServicePolicyEnum
from .sku import SKU
from .sku_request import SKURequest
from .state_enum import StateEnum
from .stock_level import StockLevel
from .stock_level_request import StockLevelRequest
from .supplier import Supplier
from .supplier_item import SupplierItem
from .supplier_item_request import SupplierItemRequest
from .supplier_request import SupplierRequest
from .v1_alerts_acknowledge_create_response_200 import (
    V1AlertsAcknowledgeCreateResponse200,
)
from .v1_alerts_list_kind import V1AlertsListKind
from .v1_alerts_list_state import V1AlertsListState
from .v1_alerts_resolve_create_response_200 import V1AlertsResolveCreateResponse200
from .v1_alerts_snooze_create_response_200 import V1AlertsSnoozeCreateResponse200
from .v1_calendar_events_bulk_create_json_body_item import (
    V1CalendarEventsBulkCreateJsonBodyItem,
)
from .v1_forecast_overrides_list_kind import V1ForecastOverridesListKind
from .v1_locations_bulk_create_json_body_item import V1LocationsBulkCreateJsonBodyItem
from .v1_order_lines_bulk_create_json_body_item import (
    V1OrderLinesBulkCreateJsonBodyItem,
)
from .v1_promotion_plans_dismiss_create_response_200 import (
    V1PromotionPlansDismissCreateResponse200,
)
from .v1_promotion_plans_list_status import V1PromotionPlansListStatus
from .v1_promotions_bulk_create_json_body_item import V1PromotionsBulkCreateJsonBodyItem
from .v1_purchase_orders_bulk_create_json_body_item import (
    V1PurchaseOrdersBulkCreateJsonBodyItem,
)
from .v1_purchase_orders_list_status import V1PurchaseOrdersListStatus
from .v1_reorder_suggestions_list_status import V1ReorderSuggestionsListStatus
from .v1_reorder_suggestions_reject_create_response_200 import (
    V1ReorderSuggestionsRejectCreateResponse200,
)
from .v1_sales_bulk_create_json_body_item import V1SalesBulkCreateJsonBodyItem
from .v1_skus_bulk_create_json_body_item import V1SkusBulkCreateJsonBodyItem
from .v1_stock_levels_bulk_create_json_body_item import (
    V1StockLevelsBulkCreateJsonBodyItem,
)
from .v1_supplier_items_bulk_create_json_body_item import (
    V1SupplierItemsBulkCreateJsonBodyItem,
)
from .v1_suppliers_bulk_create_json_body_item import V1SuppliersBulkCreateJsonBodyItem
from .v1_webhook_deliveries_list_event import V1WebhookDeliveriesListEvent
from .v1_webhook_deliveries_list_status import V1WebhookDeliveriesListStatus
from .value_added import ValueAdded
from .value_added_score import ValueAddedScore
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_status_enum import WebhookDeliveryStatusEnum
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_created import WebhookEndpointCreated
from .webhook_endpoint_request import WebhookEndpointRequest
from .who_am_i import WhoAmI
from .who_am_i_caller import WhoAmICaller
from .who_am_i_merchant import WhoAmIMerchant

__all__ = (
    "SKU",
    "ActionEnum",
    "Alert",
    "AlertKindEnum",
    "AlertSnoozeRequest",
    "Approval",
    "BlankEnum",
    "CalendarEvent",
    "CalendarEventRequest",
    "CalendarEventSourceEnum",
    "CalendarPreset",
    "CalendarPresetRequest",
    "DecisionRequest",
    "DeferRequest",
    "Deferral",
    "EventTypesEnum",
    "Explanation",
    "ExplanationGroup",
    "FestivalsEnum",
    "Forecast",
    "ForecastDay",
    "ForecastOverride",
    "ForecastOverrideEvent",
    "ForecastOverrideEventChanges",
    "ForecastOverrideKindEnum",
    "ForecastOverrideRequest",
    "ForecastRun",
    "ForecastRunModelCounts",
    "ForecastRunStatusEnum",
    "ForecastValueAdded",
    "IdsRequest",
    "InEnum",
    "IngestResult",
    "LanguageEnum",
    "LeadTimeDemand",
    "LimitEnum",
    "Location",
    "LocationKindEnum",
    "LocationRequest",
    "ModelVersion",
    "ModelVersionStatusEnum",
    "OrderLine",
    "OrderLineRequest",
    "PaginatedAlertList",
    "PaginatedCalendarEventList",
    "PaginatedCalendarPresetList",
    "PaginatedForecastList",
    "PaginatedForecastOverrideList",
    "PaginatedForecastRunList",
    "PaginatedLocationList",
    "PaginatedOrderLineList",
    "PaginatedPromotionList",
    "PaginatedPromotionPlanList",
    "PaginatedPurchaseOrderList",
    "PaginatedReorderSuggestionList",
    "PaginatedSKUList",
    "PaginatedSalesDayList",
    "PaginatedStockLevelList",
    "PaginatedSupplierItemList",
    "PaginatedSupplierList",
    "PaginatedWebhookDeliveryList",
    "PaginatedWebhookEndpointList",
    "PatchedForecastOverrideRequest",
    "PatchedPlanningSettingsRequest",
    "PatchedQuantityRequest",
    "PatchedWebhookEndpointRequest",
    "PlannerValueAdded",
    "PlanningSettings",
    "ProblemDetails",
    "ProblemError",
    "Promotion",
    "PromotionKindEnum",
    "PromotionPlan",
    "PromotionPlanStatusEnum",
    "PromotionRequest",
    "PurchaseOrder",
    "PurchaseOrderCancelRequest",
    "PurchaseOrderLine",
    "PurchaseOrderLineQuantityRequest",
    "PurchaseOrderLineRequest",
    "PurchaseOrderReceiveRequest",
    "PurchaseOrderRequest",
    "PurchaseOrderSendRequest",
    "PurchaseOrderSourceEnum",
    "PurchaseOrderStatusEnum",
    "ReorderSuggestion",
    "ReorderSuggestionStatusEnum",
    "RunAccuracy",
    "SKURequest",
    "SalesDay",
    "SalesDayRequest",
    "ServicePolicyEnum",
    "StateEnum",
    "StockLevel",
    "StockLevelRequest",
    "Supplier",
    "SupplierItem",
    "SupplierItemRequest",
    "SupplierRequest",
    "V1AlertsAcknowledgeCreateResponse200",
    "V1AlertsListKind",
    "V1AlertsListState",
    "V1AlertsResolveCreateResponse200",
    "V1AlertsSnoozeCreateResponse200",
    "V1CalendarEventsBulkCreateJsonBodyItem",
    "V1ForecastOverridesListKind",
    "V1LocationsBulkCreateJsonBodyItem",
    "V1OrderLinesBulkCreateJsonBodyItem",
    "V1PromotionPlansDismissCreateResponse200",
    "V1PromotionPlansListStatus",
    "V1PromotionsBulkCreateJsonBodyItem",
    "V1PurchaseOrdersBulkCreateJsonBodyItem",
    "V1PurchaseOrdersListStatus",
    "V1ReorderSuggestionsListStatus",
    "V1ReorderSuggestionsRejectCreateResponse200",
    "V1SalesBulkCreateJsonBodyItem",
    "V1SkusBulkCreateJsonBodyItem",
    "V1StockLevelsBulkCreateJsonBodyItem",
    "V1SupplierItemsBulkCreateJsonBodyItem",
    "V1SuppliersBulkCreateJsonBodyItem",
    "V1WebhookDeliveriesListEvent",
    "V1WebhookDeliveriesListStatus",
    "ValueAdded",
    "ValueAddedScore",
    "WebhookDelivery",
    "WebhookDeliveryStatusEnum",
    "WebhookEndpoint",
    "WebhookEndpointCreated",
    "WebhookEndpointRequest",
    "WhoAmI",
    "WhoAmICaller",
    "WhoAmIMerchant",
)
