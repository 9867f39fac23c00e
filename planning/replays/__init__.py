"""Policy replays: a store's last weeks replayed day by day under the ordering policy and its
rivals, as the proof behind the suggestions. `planning.replays.services` queues one (web),
`planning.replays.execute` runs it (worker: it forecasts with the model); the replay maths
lives beside them: `replay` (the policies compared), `simulation` (a policy replayed day by
day), `shortfalls` (the orders scaled by the units their predecessors left short) and
`frontier` (a baseline's stock read at the fill rate a policy served, which the pages read too)."""
