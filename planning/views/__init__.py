"""Portal pages of planning, a module per page family: the orders (`orders`), the alerts inbox
and promotion plans (`alerts`), the policy replay (`replays`), the settings (`preferences`)
and the webhook endpoints (`webhooks`). The URLconf names them from here."""

from planning.views.alerts import AlertActView as AlertActView
from planning.views.alerts import AlertsView as AlertsView
from planning.views.alerts import PromotionPlanDecideView as PromotionPlanDecideView
from planning.views.alerts import PromotionPlansView as PromotionPlansView
from planning.views.orders import SuggestionBulkStatusView as SuggestionBulkStatusView
from planning.views.orders import SuggestionDecideView as SuggestionDecideView
from planning.views.orders import SuggestionExportView as SuggestionExportView
from planning.views.orders import SuggestionOutcomeView as SuggestionOutcomeView
from planning.views.orders import SuggestionQuantityView as SuggestionQuantityView
from planning.views.orders import SuggestionsView as SuggestionsView
from planning.views.preferences import PlanningSettingsView as PlanningSettingsView
from planning.views.preferences import WebhookEndpointsView as WebhookEndpointsView
from planning.views.replays import PolicyReplayStartView as PolicyReplayStartView
from planning.views.replays import PolicyReplayStatusView as PolicyReplayStatusView
from planning.views.replays import PolicyReplayView as PolicyReplayView
from planning.views.webhooks import WebhookEndpointDetailView as WebhookEndpointDetailView
from planning.views.webhooks import WebhookEndpointTestView as WebhookEndpointTestView
