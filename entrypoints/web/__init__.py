"""Web pages for OAR staff, group managers and auditors, server-rendered (Jinja2) by the
API's own app under ``/ui``: ``create_app`` in ``app.py`` is what ``oar-ledger serve`` runs."""
