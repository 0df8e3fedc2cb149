"""The family page's folded sections (consent, services, screening, history, audit): read
when opened, through the same gate and audit as the page, each also a page of its own."""

import pytest
from django.urls import reverse

from parcours.privacy.models import AuditEvent

SECTIONS = ["consent", "services", "screening", "history", "audit", "scores"]


def _url(family, name):
    return reverse("family_section", args=[family.pk, name])


def test_the_page_holds_the_sections_folded_and_reads_none_of_them(whole_file, coordinator, login):
    family = whole_file["family"]
    html = login(coordinator).get(family.get_absolute_url()).content.decode()
    for name in SECTIONS[:-1]:
        assert f'id="{name}" hx-get="{_url(family, name)}" hx-trigger="toggle once"' in html
        assert f'<a href="{_url(family, name)}">' in html  # without script: its own page
    assert "Maître Dupont" not in html  # the consent's provider: in the folded body only
    assert 'id="scores"' not in html  # a draft Baseline only: no score to draw yet


@pytest.mark.parametrize("name", SECTIONS)
def test_an_opened_section_is_read_through_the_gate_and_audited(
    name, whole_file, coordinator, login
):
    family = whole_file["family"]
    client = login(coordinator)
    before = AuditEvent.objects.filter(family_id=family.pk, user=coordinator).count()
    body = client.get(_url(family, name), HTTP_HX_REQUEST="true")
    assert body.status_code == 200
    assert "<html" not in body.content.decode()  # the body alone, into the page
    page = client.get(_url(family, name)).content.decode()
    assert "<html" in page and family.get_absolute_url() in page  # a page, back to the file
    rows = AuditEvent.objects.filter(family_id=family.pk, user=coordinator)
    assert rows.count() == before + 2
    assert rows.order_by("-id").first().page == "family_section"


def test_the_sections_show_what_the_page_showed(whole_file, coordinator, login):
    family = whole_file["family"]
    client = login(coordinator, "fr")

    def body(name):
        return client.get(_url(family, name), HTTP_HX_REQUEST="true").content.decode()

    consent = body("consent")
    assert "Maître Dupont" in consent and ">retirer</a>" in consent
    assert reverse("casework:consent_create", args=[family.pk]) in consent
    services = body("services")
    assert "Maître Dupont" in services
    assert reverse("casework:service_create", args=[family.pk]) in services
    assert "Risque de détention" in body("screening")
    assert " · Actif · Marie</li>" in body("history")
    assert "<td>Marie</td><td>consulté</td><td>famille</td>" in body("audit")


@pytest.mark.parametrize("name", SECTIONS)
def test_someone_who_may_not_see_the_file_gets_404_and_no_hint(name, whole_file, outsider, login):
    family = whole_file["family"]
    assert login(outsider).get(_url(family, name), HTTP_HX_REQUEST="true").status_code == 404
    assert not AuditEvent.objects.filter(family_id=family.pk, user=outsider).exists()


def test_the_audit_section_is_a_coordinators(whole_file, case_manager, login):
    family = whole_file["family"]
    client = login(case_manager)
    assert client.get(_url(family, "audit"), HTTP_HX_REQUEST="true").status_code == 404
    html = client.get(family.get_absolute_url()).content.decode()
    assert _url(family, "audit") not in html
    assert reverse("cases:audit", args=[family.pk]) in html  # who has seen their own file


def test_an_unknown_section_is_404(whole_file, coordinator, login):
    client = login(coordinator)
    assert client.get(_url(whole_file["family"], "notes")).status_code == 404


def test_a_referral_not_yet_screened_has_no_screening_section(make_family, coordinator, login):
    family = make_family("referred")
    html = login(coordinator).get(family.get_absolute_url()).content.decode()
    assert _url(family, "screening") not in html and _url(family, "history") in html
