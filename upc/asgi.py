"""ASGI entry point for ``upc api`` (an import string lets uvicorn run several workers)."""

from upc import telemetry
from upc.app import create_app
from upc.settings import load_settings

settings = load_settings()
telemetry.setup_logging(settings.upc_log_level)  # each worker process, spawned afresh
telemetry.setup_tracing("api")
app = create_app(settings)
