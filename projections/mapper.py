"""A mapper for projections that never decrypts personal data.

Views store no personal data, so the runner has no reason to open it: this mapper decodes
every ``PersonalData`` field as ``PersonalData(subject_id, None)`` without touching the key
store. That keeps the runner fast (no key look-ups, no AES) and makes it impossible for a
view to copy a name, a note or a vulnerability detail by mistake.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoding

from domain.personal import PersonalData


class RedactedPersonalData(Transcoding):
    type = PersonalData
    name = "personal_data"  # the name the domain's transcoding writes

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        raise TypeError("projections never write events")

    def decode(self, data: dict[str, Any]) -> PersonalData:
        return PersonalData(str(data["subject"]), None)


def redacting_mapper(app: Application[Any]) -> Mapper[Any]:
    """The application's mapper (same transcodings, cipher, compressor), personal data closed."""
    source = app.mapper
    if not isinstance(source.transcoder, JSONTranscoder):
        return source
    transcoder = JSONTranscoder()
    for transcoding in source.transcoder.names.values():
        transcoder.register(transcoding)
    transcoder.register(RedactedPersonalData())
    return type(source)(transcoder=transcoder, compressor=source.compressor,
                        cipher=source.cipher)
