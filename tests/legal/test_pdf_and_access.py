"""The lawyer's overview PDF needs the family's consent; every legal view has its gate."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from parcours.casework.models import Consent
from parcours.legal.models import Document, DocumentKind, Procedure
from parcours.legal.timeline import entries
from parcours.privacy.models import AuditEvent
from tests.legal.test_timeline_and_import import FAMILY_3, _import, family_3  # noqa: F401


def test_the_pdf_is_refused_without_consent(make_family, case_manager, lawyer, login):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("legal:pdf", args=[family.pk]), {"lawyer": lawyer.pk}, follow=True
    )
    assert "no consent in force" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_with_consent_the_pdf_opens_and_holds_the_dossier(
    make_family, case_manager, lawyer, login, rule
):
    family = make_family("active")
    Consent.objects.create(
        family=family,
        purpose="share_with_provider",
        provider=lawyer,
        given_on=datetime.date(2026, 2, 2),
        recorded_by=case_manager,
    )
    Procedure.objects.create(
        family=family,
        type="asylum",
        status="refused",
        filed_on=datetime.date(2025, 1, 10),
        decided_on=datetime.date(2026, 3, 1),
        notified_on=datetime.date(2026, 3, 4),
        deadline_rule=rule("appeal"),
    )
    response = login(case_manager).post(
        reverse("legal:pdf", args=[family.pk]), {"lawyer": lawyer.pk}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert family.case_number in text and "Mtr. Peeters" in text
    assert "Amina Haddad" in text and "application for international protection" in text
    assert "03/04/2026" in text  # the appeal deadline, 30 days after notification
    assert AuditEvent.objects.filter(action="export", family_id=family.pk).exists()


def test_a_withdrawn_consent_stops_the_pdf(make_family, case_manager, lawyer, login):
    family = make_family("active")
    Consent.objects.create(
        family=family,
        purpose="share_with_provider",
        provider=lawyer,
        given_on=datetime.date(2026, 2, 2),
        recorded_by=case_manager,
        withdrawn_on=datetime.date(2026, 3, 2),
    )
    response = login(case_manager).post(
        reverse("legal:pdf", args=[family.pk]), {"lawyer": lawyer.pk}
    )
    assert response.status_code == 302


STRANGERS = ["colleague", "evaluator", "administrator", "outsider"]


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_get_404_on_every_legal_view(request, who, make_family, lawyer, login):
    family = make_family("active")
    procedure = Procedure.objects.create(family=family, type="9bis")
    document = Document.objects.create(family=family, kind=DocumentKind.objects.first())
    f = [family.pk]
    urls = [
        reverse("legal:dossier", args=f),
        reverse("legal:import", args=f),
        reverse("legal:event_create", args=f),
        reverse("legal:procedure_create", args=f),
        reverse("legal:procedure_edit", args=[family.pk, procedure.pk]),
        reverse("legal:document_create", args=f),
        reverse("legal:document_edit", args=[family.pk, document.pk]),
        reverse("legal:document_file", args=[family.pk, document.pk]),
    ]
    client = login(request.getfixturevalue(who))
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:7]:
        assert (
            client.post(
                url, {"type": "asylum", "on": "2020-01-01", "kind": "other", "precision": "day"}
            ).status_code
            == 404
        ), url
    assert client.post(reverse("legal:pdf", args=f), {"lawyer": lawyer.pk}).status_code == 404
    assert Procedure.objects.count() == 1 and Procedure.objects.get().type == "9bis"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_timeline_carries_its_lanes_numbers_and_gaps(
    clock,
    family_3,  # noqa: F811
    case_manager,
    lawyer,
    login,
    language,
):
    client = login(case_manager)
    _import(client, family_3, FAMILY_3)
    Consent.objects.create(
        family=family_3,
        purpose="share_with_provider",
        provider=lawyer,
        given_on=datetime.date(2026, 2, 2),
        recorded_by=case_manager,
    )
    client.cookies["django_language"] = language
    response = client.post(reverse("legal:pdf", args=[family_3.pk]), {"lawyer": lawyer.pk})
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    whole = {"en": "Whole family", "fr": "Toute la famille"}[language]
    # Dates of birth as the language writes them; the year alone when only that is known.
    assert {"en": "2 February 1984", "fr": "2 février 1984"}[language] in text
    assert "1984-02-02" not in text
    for lane in ("Amina", "Karim", "Sara", whole):
        assert lane in text
    picture = next(p.extract_text() for p in pages if whole in p.extract_text())
    numbers = set(re.findall(r"\b\d{1,2}\b", picture))
    marks = len(entries(family_3, datetime.date(2026, 6, 15)))
    assert {str(n) for n in range(1, marks + 1)} <= numbers, picture
    gap = {"en": "years without a known event", "fr": "ans sans événement connu"}[language]
    assert gap in text  # the list says what the picture's breaks leave out
