"""Portal pages of accounts, by topic: signing in and passwords (`signing_in`), the pages
around the stores (`navigation`), members and invitations (`members`), a store's settings and
API tokens (`store_settings`)."""
