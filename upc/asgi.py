"""ASGI entry point for ``upc api`` (an import string lets uvicorn run several workers)."""

from upc.app import create_app
from upc.settings import load_settings

app = create_app(load_settings())
