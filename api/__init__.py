"""The HTTP API: FastAPI app, schemas, auth and error mapping."""
