"""The PDF: it parses, says the appeal deadline, is the same bytes for the same text, and
large print is larger."""

from __future__ import annotations

import io

from pypdf import PdfReader

from domain.notice_content import Variant
from letters.pdf import pdf_of
from letters.render import render_notice
from letters.words import long_date
from tests.letters.fixed_case import FixedCase


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join((p.extract_text() or "").split())
                                       for p in reader.pages)


def test_the_restriction_pdf_parses_and_gives_the_appeal_deadline(
        fixed_case: FixedCase) -> None:
    content = fixed_case.content(Variant.RESTRICTION)
    rendered = render_notice(content)
    pdf = rendered.pdf()
    assert pdf.startswith(b"%PDF-")
    pages, text = pdf_text(pdf)
    assert content.appeal_deadline is not None
    assert f"by {long_date(content.appeal_deadline, str)}" in text
    assert "Housing Ombudsman" in text
    # the same text gives the same bytes: the PDF downloaded later is the one sent
    assert pdf_of(rendered.text, "standard", "en") == pdf

    large = render_notice(content, notice_format="large_print").pdf()
    large_pages, large_text = pdf_text(large)
    assert large_pages > pages
    assert long_date(content.appeal_deadline, str) in large_text
