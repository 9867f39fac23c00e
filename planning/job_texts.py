"""The texts with values that planning's runs store as their message (`core.runs`: stored as
English words, said again in the reader's language where they are read). A light module: the
portal reads it to match the stored words, the replay's worker writes from it
(`planning.replays.execute`)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# A store with too short a history for the replay it asked for.
REPLAY_HISTORY_TOO_SHORT = gettext_noop(
    "A replay needs at least %(needed)s days of sales history (%(count)s so far)."
)

STORED_TEXTS = (REPLAY_HISTORY_TOO_SHORT,)
