"""Domain errors: each carries a stable code (the HTTP problem ``type``) and a plain sentence."""

from __future__ import annotations


class DomainError(Exception):
    """A policy rule refused a command. Nothing was recorded."""

    code: str = "domain-error"
    http_status: int = 422

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    code = "not-found"
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid-input"


class ConcurrentModification(DomainError):
    code = "concurrent-modification"
    http_status = 409
