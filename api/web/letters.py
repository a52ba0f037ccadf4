"""Letters from the pages: a notice's letter as it would be sent (preview) and as it was
sent, as PDFs, through the API's own route functions (same rules, same access log)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from starlette.responses import Response

from api.access import C
from api.deps import Pool, Service
from api.routes import notices
from api.web.pages import PageRoute
from api.web.session import Allow
from domain.actors import Actor

router = APIRouter(route_class=PageRoute, include_in_schema=False)
N = f"{C}/notices/{{notice_id}}"


@router.get("/cases/{case_id}/notices/{notice_id}/letter")
def letter_preview(case_id: UUID, notice_id: UUID, service: Service, pool: Pool,
                   actor: Annotated[Actor, Depends(Allow(("GET", f"{N}/preview")))]
                   ) -> Response:
    return notices.preview_notice(case_id, notice_id, actor, service, pool,
                                  form=notices.As.PDF)


@router.get("/cases/{case_id}/notices/{notice_id}/sent-letter")
def letter_sent(case_id: UUID, notice_id: UUID, service: Service, pool: Pool,
                actor: Annotated[Actor, Depends(Allow(("GET", f"{N}/document")))]) -> Response:
    return notices.notice_document(case_id, notice_id, actor, service, pool,
                                   form=notices.As.PDF)
