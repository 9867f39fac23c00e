"""Reorder suggestions: the plan made from a forecast run (`planning.suggestions.plan`), the
order lines it proposes read and filtered for review (`planning.suggestions.selectors`), and
the planner's decisions on them, one line or thousands at a time, each audited
(`planning.suggestions.services`). The reorder maths lives in `planning.policy`."""
