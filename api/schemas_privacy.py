"""Request bodies for personal-data commands: subject access, legal holds, erasure,
disposal."""

from __future__ import annotations

from uuid import UUID

from api.schemas import EXAMPLE_ID_2, Command, Reason, example
from domain.vocabulary import ErasedPerson, ErasureGround


class ExtendSubjectAccess(Command):
    reason: Reason
    model_config = example(reason="Complex request: eight years of records across services.")


class EmptyCommand(Command):
    model_config = example()


class LegalHoldReason(Command):
    reason: Reason
    model_config = example(reason="County court claim issued; keep everything until it ends.")


class ErasePerson(Command):
    person: ErasedPerson = ErasedPerson.CUSTOMER
    representative_id: UUID | None = None
    ground: ErasureGround = ErasureGround.ERASURE_REQUEST
    model_config = example(person="representative", representative_id=EXAMPLE_ID_2,
                           ground="consent_withdrawn")
