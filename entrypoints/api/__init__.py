"""The HTTP API (FastAPI on uvicorn): ``create_app(settings)`` in ``app.py``."""
