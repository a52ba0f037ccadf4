"""A notice as an email, and sending it over SMTP (``UPC_SMTP_URL``, ``UPC_SMTP_SENDER``).

``smtp://[user:password@]host[:port]`` upgrades with STARTTLS whenever the server offers it
(and ``?starttls=required`` refuses a server that does not); ``smtps://`` is TLS from the
start. The Message-ID is derived from the notice id, so every copy of a notice, however
often a retry builds it, is the same message to the receiving side.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from domain.notices import message_id_for
from letters.render import RenderedNotice

DEFAULT_SENDER = "notices@upc.invalid"
TIMEOUT_SECONDS = 8  # under the activity's heartbeat timeout


class SmtpSettingError(ValueError):
    pass


class TemporarySmtpError(Exception):
    """The server did not take the message (down, busy, 4xx): try again later."""


class PermanentSmtpError(Exception):
    """The server refused the message for good (5xx): a person must look at the address."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool = False
    starttls_required: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER

    @classmethod
    def parse(cls, url: str, sender: str | None = None) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpSettingError(
                f"UPC_SMTP_URL must look like smtp://host:port or smtps://host:port, not {url!r}")
        query = parse_qs(parts.query)
        return cls(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25),
                   implicit_tls=parts.scheme == "smtps",
                   starttls_required=query.get("starttls", [""])[0] == "required",
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   sender=sender or DEFAULT_SENDER)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        url = env.get("UPC_SMTP_URL")
        return cls.parse(url, env.get("UPC_SMTP_SENDER")) if url else None

    @property
    def mail_domain(self) -> str:
        return self.sender.rpartition("@")[2] or "upc.invalid"


def notice_message(rendered: RenderedNotice, to: str, sender: str, message_id: str,
                   sent_at: datetime | None = None) -> EmailMessage:
    """Plain text (the letter's own words), the HTML alternative, and the PDF attached."""
    message = EmailMessage()
    title = rendered.text.split("\n", 1)[0].removeprefix("# ").strip()
    reference = f"N-{str(rendered.content.notice_id)[:8].upper()}"
    message["Subject"] = f"{title} ({reference})"
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(sent_at) if sent_at else formatdate(localtime=False)
    message["Content-Language"] = rendered.language.value
    message.set_content(rendered.plain)
    message.add_alternative(rendered.html, subtype="html")
    message.add_attachment(rendered.pdf(), maintype="application", subtype="pdf",
                           filename=f"notice-{reference}.pdf")
    return message


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server; raise Temporary/PermanentSmtpError if it did not
    take it. Returning means the server accepted it (250 after DATA)."""
    context = ssl.create_default_context()
    try:
        if settings.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                     timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if not settings.implicit_tls:
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif settings.starttls_required:
                    raise PermanentSmtpError("smtp-starttls-not-offered")
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            raise PermanentSmtpError("smtp-recipient-refused") from None
        raise TemporarySmtpError(f"recipient deferred: {codes}") from None
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise PermanentSmtpError("smtp-refused") from None
        raise TemporarySmtpError(f"server answered {exc.smtp_code}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporarySmtpError(f"{type(exc).__name__}") from None


__all__ = ["SmtpSettings", "message_id_for", "notice_message", "send"]
