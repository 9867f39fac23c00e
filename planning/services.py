"""Planning's writes, one door for the code outside planning (other apps, settings' sweeps,
benches) and planning's own views. Each lives in its room:

- `planning.suggestions.plan`: reorder suggestions from a forecast run;
- `planning.suggestions.services`: the planner's decisions on them (approve onto draft
  purchase orders, reject, defer, change quantities), each audited;
- `planning.preferences.services`: the store's planning settings;
- `planning.replays.services`: queueing a policy replay (a worker runs it:
  `planning.replays.execute`).

Alerts, promotion plans and webhooks have their own modules (`planning.alerts`,
`planning.promotions`, `planning.notifications`, `planning.webhook_events`,
`planning.webhook_targets`; the morning digest: `planning.digest`)."""

from __future__ import annotations

from planning.preferences.services import planning_settings_stored as planning_settings_stored
from planning.preferences.services import planning_settings_update as planning_settings_update
from planning.replays.services import REPLAY_LEVELS as REPLAY_LEVELS
from planning.replays.services import policy_replay_create as policy_replay_create
from planning.replays.services import policy_replays_stranded as policy_replays_stranded
from planning.suggestions.plan import PlanResult as PlanResult
from planning.suggestions.plan import reorder_suggestions_plan as reorder_suggestions_plan
from planning.suggestions.quantities import (
    suggestion_lines_quantity_change as suggestion_lines_quantity_change,
)
from planning.suggestions.services import Approval as Approval
from planning.suggestions.services import suggestion_lines_defer as suggestion_lines_defer
from planning.suggestions.services import suggestion_lines_order as suggestion_lines_order
from planning.suggestions.services import suggestion_quantity_set as suggestion_quantity_set
from planning.suggestions.services import suggestions_approve as suggestions_approve
from planning.suggestions.services import suggestions_defer as suggestions_defer
from planning.suggestions.services import suggestions_order as suggestions_order
from planning.suggestions.services import suggestions_reject as suggestions_reject
