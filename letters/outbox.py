"""A local SMTP sink for embedded mode: every message ``upc serve``'s worker sends is
written to ``$UPC_DATA_DIR/outbox`` as an ``.eml`` file (open it in any mail program) with
its PDF attachment beside it (``.pdf``), so letters can be read without a mail server."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection


#: In the data directory: the URL of the sink ``upc serve`` started (for ``upc demo``).
SINK_FILE = "smtp-sink"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class OutboxHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        name = re.sub(r"[^A-Za-z0-9.-]+", "_", str(parsed.get("Message-ID", "message")))
        path = self.folder / f"{name.strip('_')}.eml"
        for attachment in parsed.iter_attachments() if parsed.is_multipart() else ():
            if attachment.get_content_type() == "application/pdf":
                _write(path.with_suffix(".pdf"), attachment.get_content())
        _write(path, raw)
        return "250 Message accepted for delivery"


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # a reader never sees half a file


class Outbox:
    """The sink, running on its own thread until ``stop``."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.folder = folder
        self.host = host
        self.port = port or free_port(host)
        self.controller = Controller(OutboxHandler(folder), hostname=host, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> Outbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def messages(folder: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        found.append(message)
    return found
