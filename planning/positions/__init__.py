"""Where each SKU stands: its stock per location, what is on order, the supplier item it is
bought through and its service class. Reads only (`planning.positions.selectors`): the
suggestions, the alerts, the promotion plans and the replays plan from them."""
