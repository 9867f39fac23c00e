"""The store's planning settings: service levels per class, budgets, overstock and alert
limits, default lead times and the digest. Read them through
`planning.preferences.selectors`, change them through `planning.preferences.services`."""
