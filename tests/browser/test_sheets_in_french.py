"""A case manager fills a baseline and a Client Summary Sheet in French and submits both."""

import pytest
from playwright.sync_api import expect

from parcours.instruments.models import Response
from parcours.instruments.services import answers_of
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.instruments.test_xlsforms import BASELINE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_baseline_and_summary_sheet_in_french(live_server, new_page, make_family):
    family = make_family("active")
    page = new_page(locale="fr-BE", viewport={"width": 390, "height": 844})  # a phone
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(live_server.url + family.get_absolute_url())

    page.get_by_role("button", name="Nouvelle fiche Baseline").click()
    expect(page.locator("h1")).to_have_text("Baseline")
    # Each score is eleven buttons whose ends say what they mean.
    wellbeing = page.get_by_role("group", name="Quel est leur bien-être général ?")
    expect(wellbeing.get_by_role("radio")).to_have_count(11)
    expect(wellbeing).to_contain_text("0: très mauvais")
    expect(wellbeing).to_contain_text("10: très bon")
    for index, code in enumerate(BASELINE[:-1]):
        page.locator(f"#q-{code}").get_by_text(str(index % 11), exact=True).click()
        page.fill(f"#id_{code}_why", "Observé lors des visites")
    page.fill("#id_b14_detention_risk_why", "Observé lors des visites")
    page.get_by_role("button", name="Soumettre").click()  # b14 unscored: refused, in French
    expect(page.locator("#q-b14_detention_risk .error")).to_have_text(
        "Cette question demande une réponse."
    )
    page.locator("#q-b14_detention_risk").get_by_text("7", exact=True).click()
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator(".messages")).to_contain_text("soumise")

    page.get_by_role("button", name="Nouvelle fiche Client Summary Sheet").click()
    expect(page.get_by_role("heading", name="Informations de profil")).to_be_visible()
    # Prefilled from the case: the referral route is already chosen, the nationality too, from
    # a list of countries named in French.
    expect(page.get_by_label("Depuis la communauté")).to_be_checked()
    nationality = page.get_by_label("Nationalité")
    expect(nationality).to_have_value("IQ")
    expect(nationality.locator("option:checked")).to_have_text("Irak")
    released = page.locator("#q-p12_released")
    expect(released).to_be_hidden()
    page.get_by_label("Depuis la détention").check()  # htmx saves and shows what now applies
    expect(released).to_be_visible()
    released.get_by_label("Oui").check()
    page.locator("#q-cm_procedures").get_by_label("Un certain impact").check()
    page.locator("#q-c1_more_information").get_by_label("Oui").check()
    page.fill("#id_c1_barriers", "Méfiance envers les avocats")
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator(".messages")).to_contain_text("soumise")

    sheets = {r.instrument: r for r in Response.objects.filter(status="submitted")}
    baseline = answers_of(sheets["baseline"])
    assert baseline["b14_detention_risk"] == "7" and baseline["b08_wellbeing"] == str(7 % 11)
    css = answers_of(sheets["client_summary_sheet"])
    assert css["p11_referral_route"] == "from_detention" and css["p12_released"] == "yes"
    assert css["cm_procedures"] == "some" and css["c1_barriers"] == "Méfiance envers les avocats"
