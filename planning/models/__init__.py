"""Planning's tables, a module per room: the store's settings (`preferences`), reorder
suggestions and their decisions (`suggestions`), alerts (`alerts`), webhooks (`webhooks`),
promotion plans (`promotions`), replays (`replays`) and the plan's shortfall records
(`shortfalls`). Named here for Django's discovery
and for the code that imports them."""

from planning.models.alerts import Alert as Alert
from planning.models.alerts import AlertStatistics as AlertStatistics
from planning.models.bulk import SuggestionBulkAction as SuggestionBulkAction
from planning.models.preferences import DEFAULT_SERVICE_LEVELS as DEFAULT_SERVICE_LEVELS
from planning.models.preferences import PlanningSettings as PlanningSettings
from planning.models.preferences import default_service_levels as default_service_levels
from planning.models.promotions import PromotionPlan as PromotionPlan
from planning.models.replays import PolicyReplay as PolicyReplay
from planning.models.replays import ServiceHealth as ServiceHealth
from planning.models.shortfalls import ShortfallRecord as ShortfallRecord
from planning.models.suggestions import Decision as Decision
from planning.models.suggestions import ReorderSuggestion as ReorderSuggestion
from planning.models.suggestions import SkuClass as SkuClass
from planning.models.webhooks import WebhookDelivery as WebhookDelivery
from planning.models.webhooks import WebhookEndpoint as WebhookEndpoint
from planning.models.webhooks import every_event_type as every_event_type
