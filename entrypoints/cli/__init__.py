"""The ``oar-ledger`` console command."""
