"""Data-protection journeys: a family withdraws its consent to evaluation and the evaluator's
report and Evaluation data drop it (in French, on a phone); the coordinator erases a closed
family and its name is no longer found."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}


def test_a_withdrawn_consent_takes_the_family_out_of_what_evaluators_see(
    live_server,
    new_page,
    twelve,  # noqa: F811
    coordinator,
    evaluator,
    project,
):
    reader = new_page(locale="fr-BE", viewport=PHONE)
    sign_in(reader, live_server.url, "eiri", PASSWORD)
    reader.goto(f"{live_server.url}/reports/?projects={project.pk}")
    expect(reader.get_by_text("12 fiches pour 12 familles dans la cohorte.")).to_be_visible()
    reader.goto(f"{live_server.url}/reports/sheets/")
    pseudonym = twelve[0].pseudonym
    expect(reader.get_by_text(pseudonym)).to_be_visible()

    boss = new_page(locale="fr-BE", viewport=PHONE)
    sign_in(boss, live_server.url, "marie", PASSWORD)
    boss.goto(live_server.url + twelve[0].get_absolute_url())
    boss.locator("#consent summary").click()  # folded, read when opened
    boss.locator("li", has_text="Évaluation").get_by_role("link", name="retirer").click()
    expect(boss.get_by_text("plus les fiches de la famille")).to_be_visible()
    boss.get_by_role("button").filter(has_text="Enregistrer").click()
    # Back on the file at #consent: the section opens by itself.
    expect(boss.get_by_text("retiré le")).to_be_visible()

    reader.goto(f"{live_server.url}/reports/?projects={project.pk}")
    expect(reader.get_by_text("11 fiches pour 11 familles dans la cohorte.")).to_be_visible()
    expect(reader.get_by_text("1 famille sans consentement")).to_be_visible()
    reader.goto(f"{live_server.url}/reports/sheets/")
    expect(reader.get_by_text(pseudonym)).to_have_count(0)


def test_an_erased_family_is_no_longer_found_by_its_name(
    live_server, new_page, make_family, coordinator
):
    from tests.conftest import make_person

    family = make_family(status="closed", members=[make_person(family_name="Qasemi")])
    boss = new_page()
    sign_in(boss, live_server.url, "marie", PASSWORD)
    boss.goto(f"{live_server.url}/cases/")
    boss.get_by_role("searchbox").fill("Qasemi")
    expect(boss.get_by_text("1 family", exact=True)).to_be_visible()
    boss.get_by_role("link", name=family.case_number).click()
    boss.get_by_text("Audit trail").click()  # a folded section, where erasure is found
    boss.get_by_role("link", name="Erase", exact=True).click()
    expect(boss.get_by_text("Erasing the whole file destroys")).to_be_visible()
    boss.get_by_label("Why").select_option("request")
    boss.get_by_label("Type the case number to confirm").fill(family.case_number)
    boss.get_by_role("button", name="Erase").click()
    expect(boss.get_by_text("The personal data of this file was erased on")).to_be_visible()
    expect(boss.get_by_text("Qasemi")).to_have_count(0)

    boss.goto(f"{live_server.url}/cases/")
    boss.get_by_role("searchbox").fill("Qasemi")
    expect(boss.get_by_text("No family matches.")).to_be_visible()
