"""``oar-ledger demo``: a realistic year of several groups, through the application."""
