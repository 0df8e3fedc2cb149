"""Nothing typed is lost without a word: an impossible date is refused at its field (the
browser would send it as empty), a text over its limit is counted and refused; and the
referral, screening and admission pages pass axe-core without a critical or serious finding."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from parcours.cases.models import Person
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def test_an_impossible_birth_date_is_refused_at_its_field(live_server, new_page, make_family):
    family = make_family("active")
    page = new_page(locale="fr-BE", viewport=PHONE)
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(f"{live_server.url}/cases/{family.pk}/members/new/")
    page.select_option("#id_role", "child")
    page.fill("#id_given_name", "Leïla")
    page.fill("#id_family_name", "Haddad")
    birth = page.locator("#id_birth_date_0")
    birth.click()
    birth.press_sequentially("31022024")
    assert page.evaluate("document.querySelector('#id_birth_date_0').validity.badInput")
    page.click("main form button[type=submit]")

    # Not sent: the page says why at the field, in French, and keeps what was typed.
    error = page.locator("small[data-client-error=date]")
    expect(error).to_contain_text("Cette date ne peut pas être lue")
    expect(birth).to_have_attribute("aria-invalid", "true")
    expect(birth).to_be_focused()
    expect(page.locator("#id_given_name")).to_have_value("Leïla")
    assert Person.objects.filter(family=family).count() == 2

    # Corrected to the year alone, it is saved with that year.
    birth.fill("")
    expect(error).to_have_count(0)
    page.fill("#id_birth_date_1", "2024")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("ajouté")
    added = next(p for p in Person.objects.filter(family=family) if p.given_name == "Leïla")
    assert added.birth_date == "2024"


def test_a_contact_note_is_counted_and_refused_past_its_limit(live_server, new_page, make_family):
    family = make_family("active")
    page = new_page(locale="en-GB")
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(f"{live_server.url}/cases/{family.pk}/contacts/new/")
    counter = page.locator("[data-counter-for=id_note]")
    expect(counter).to_have_text("At most 4\u202f000 characters.")
    note = page.locator("#id_note")
    note.fill("Called the lawyer")
    expect(counter).to_have_text("17 / 4\u202f000")
    note.fill("x" * 4003)
    expect(counter).to_have_text("Too long by 3 characters: shorten it before saving.")
    page.select_option("#id_kind", "phone_call")
    page.click("main form button[type=submit]")
    expect(note).to_be_focused()
    assert "/contacts/new/" in page.url
    assert not family.contacts.exists()


@pytest.mark.parametrize("language", ["en-GB", "fr-BE"])
def test_the_intake_pages_have_no_serious_accessibility_finding(
    live_server, new_page, make_family, coordinator, language
):
    screening = make_family("screening")
    referred = make_family("referred")
    axe = AXE.read_text()
    findings = {}

    def check(page, path):
        page.goto(live_server.url + path)
        page.evaluate(axe)  # through the DevTools protocol: the site's CSP is not lifted
        result = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r))"
        )
        serious = [
            f"{v['id']}: {[n['target'] for n in v['nodes']]}"
            for v in json.loads(result)["violations"]
            if v["impact"] in ("critical", "serious")
        ]
        if serious:
            findings[path] = serious

    case_manager = new_page(locale=language, viewport=PHONE)
    sign_in(case_manager, live_server.url, "sara", PASSWORD)
    check(case_manager, "/cases/referral/new/")
    check(case_manager, f"/cases/{referred.pk}/screening/")
    coordinator = new_page(locale=language)
    sign_in(coordinator, live_server.url, "marie", PASSWORD)
    check(coordinator, f"/cases/{screening.pk}/step/admit/")
    assert not findings, findings
