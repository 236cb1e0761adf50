"""The PDF upload is refused with a message naming the limit: size, pages, words, readability."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openocs.portal.sciapplications import conf, services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import ScienceApplication
from openocs.portal.sciapplications.tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("science.pdf", data, content_type="application/pdf")


def test_counts_the_pages_and_words_of_an_accepted_pdf():
    facts = services.check_pdf(upload(make_pdf(["one two three", "four five"])))
    assert (facts.pages, facts.words) == (2, 5)


def test_refuses_too_many_pages_naming_the_limit(monkeypatch):
    monkeypatch.setattr(conf, "PDF_MAX_PAGES", 2)
    with pytest.raises(ApplicationError) as refused:
        services.check_pdf(upload(make_pdf(["a", "b", "c"])))
    assert refused.value.field == "pdf"
    assert refused.value.message == "The PDF has 3 pages; the limit is 2 pages."


def test_refuses_too_many_words_naming_the_limit(monkeypatch):
    monkeypatch.setattr(conf, "PDF_MAX_WORDS", 4)
    with pytest.raises(ApplicationError) as refused:
        services.check_pdf(upload(make_pdf(["one two three", "four five"])))
    assert refused.value.message == "The PDF has 5 words; the limit is 4 words."


def test_refuses_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(conf, "PDF_MAX_MB", 1)
    with pytest.raises(ApplicationError) as refused:
        services.check_pdf(upload(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)))
    assert refused.value.message == "The PDF is 1.0 MB; the limit is 1 MB."


def test_refuses_a_broken_pdf():
    with pytest.raises(ApplicationError) as refused:
        services.check_pdf(upload(b"%PDF-1.4\nnot really a pdf"))
    assert refused.value.message == "The PDF cannot be read; export it again from your editor."


def test_a_refused_upload_leaves_the_draft_and_its_pdf_as_they_were(draft, applicant, monkeypatch):
    monkeypatch.setattr(conf, "PDF_MAX_PAGES", 1)
    before = (draft.pdf.name, draft.pdf_pages, draft.title)
    with pytest.raises(ApplicationError):
        services.application_update(
            application=draft,
            actor=applicant.user,
            fields={"title": "Changed"},
            pdf=upload(make_pdf(["a", "b"])),
        )
    fresh = ScienceApplication.objects.get(pk=draft.pk)
    assert (fresh.pdf.name, fresh.pdf_pages, fresh.title) == before
    assert fresh.pdf_pages == 1


def test_the_draft_records_what_its_pdf_holds(draft, applicant):
    updated = services.application_update(
        application=draft,
        actor=applicant.user,
        fields={},
        pdf=upload(make_pdf(["alpha beta", "gamma", "delta epsilon zeta"])),
    )
    assert (updated.pdf_pages, updated.pdf_words) == (3, 6)
