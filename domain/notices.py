"""A letter as the letters adapter hands it to the domain: its exact text, hash and template
version, checked before a notice is recorded as sent with it (a label about the person is
refused whoever wrote the words, and the hash must be the text's)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from domain.errors import InvalidInput
from domain.notice_rules import check_text
from domain.vocabulary import NoticeLanguage


@dataclass(frozen=True)
class NoticeDocument:
    """A letter as produced by the letters adapter: what the customer reads, exactly."""

    text: str
    sha256: str
    template_version: str
    language: str = NoticeLanguage.ENGLISH.value

    @classmethod
    def of(cls, text: str, template_version: str, language: str) -> NoticeDocument:
        return cls(text, text_sha256(text), template_version, language)

    def check(self) -> None:
        if not self.text.strip():
            raise InvalidInput("The notice's text is empty.")
        if text_sha256(self.text) != self.sha256:
            raise InvalidInput("The notice's SHA-256 is not the SHA-256 of its text.")
        check_text(self.text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def message_id_for(notice_id: UUID, domain: str = "upc.invalid") -> str:
    """One Message-ID per notice, whoever sends it and however often it is tried."""
    return f"<notice-{notice_id}@{domain}>"
