"""The test suite's PDF stand-in (conftest.py): WeasyPrint renders only in tests marked `documents`."""

import io

import pytest
from pypdf import PdfReader

from innerwork.core.pdf import render_pdf


@pytest.fixture
def greeting_template(tmp_path, settings):
    (tmp_path / "greeting.html").write_text("<p>Hello {{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return "greeting.html"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content), strict=True).pages)


def test_an_unmarked_test_gets_a_valid_stand_in_pdf_that_depends_only_on_the_html(greeting_template, pdf_renderings):
    # when the same template is rendered twice with one context and once with another
    first = render_pdf(greeting_template, {"name": "Maya"})
    again = render_pdf(greeting_template, {"name": "Maya"})
    other = render_pdf(greeting_template, {"name": "Noor"})

    # then the same HTML gives the same bytes and other HTML other bytes, each a PDF pypdf reads strictly
    assert first == again
    assert first != other
    assert first.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(first), strict=True).pages) == 1
    # and what would have been rendered is recorded, with nothing drawn on the page
    assert [rendering["html"] for rendering in pdf_renderings] == ["<p>Hello Maya</p>"] * 2 + ["<p>Hello Noor</p>"]
    assert pdf_text(first).strip() == ""


@pytest.mark.documents
def test_a_test_marked_documents_gets_weasyprint(greeting_template, pdf_renderings):
    content = render_pdf(greeting_template, {"name": "Maya"})

    assert "Hello Maya" in pdf_text(content)
    assert b"stand-in" not in content
    assert pdf_renderings == []
