"""A referral's journey through the browser: registered, screened, admitted, found again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}

WORDS = {
    "nl": {
        "switch_to": "nl",
        "start": "en-GB",
        "new": "Nieuwe doorverwijzing",
        "referral_of": "Doorverwijzing van",
        "screen": "Screenen op de criteria",
        "admit": "Toelaten",
        "active": "actief",
        "one_family": "1 gezin",
        "member_added": "Gezinslid 2 toegevoegd",
        "referral_link": "Gezin Qasimi (doorverwijzing)",
    },
    "en": {
        "switch_to": "en",
        "start": "nl-BE",
        "new": "New referral",
        "referral_of": "Referral of",
        "screen": "Screen against the criteria",
        "admit": "Admit",
        "active": "active",
        "one_family": "1 family",
        "member_added": "Member 2 added",
        "referral_link": "Qasimi family (referral)",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_referral_is_registered_screened_admitted_and_found(
    language, live_server, new_page, case_manager, coordinator
):
    words = WORDS[language]
    base = live_server.url

    # The case manager signs in on her phone, switches language, registers a family of two.
    page = new_page(locale=words["start"], viewport=PHONE)
    sign_in(page, base, "sara", PASSWORD)
    page.select_option("#language-switcher", words["switch_to"])
    page.wait_for_url(re.compile(r"/caseload/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("[data-menu-toggle]").click()  # on a phone the menu opens behind its button
    page.get_by_role("link", name=words["new"], exact=True).click()
    page.fill("#id_referred_on", "2026-05-04")
    page.select_option("#id_referral_route", "from_community")
    page.select_option("#id_status_at_entry", "undocumented")
    page.fill("#id_languages", "Arabic")
    page.select_option("#id_m-0-role", "parent")
    page.fill("#id_m-0-given_name", "Layla")
    page.fill("#id_m-0-family_name", "Qasimi")
    page.fill("#id_m-0-birth_date_1", "1988")  # the year alone
    page.select_option("#id_m-0-sex", "female")
    page.select_option("#id_m-0-nationality", "IQ")
    page.click("#add-member")  # htmx adds a second row and bumps the formset count
    expect(page.locator("#id_m-1-role")).to_be_focused()  # the focus moves to the new row
    expect(page.locator("#members-status")).to_contain_text(words["member_added"])
    page.select_option("#id_m-1-role", "child")
    page.fill("#id_m-1-given_name", "Omar")
    page.fill("#id_m-1-family_name", "Qasimi")
    page.fill("#id_m-1-birth_date_0", "2016-02-29")  # the date picker
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(words["referral_of"])
    expect(page.locator("main")).to_contain_text("Omar Qasimi")
    family_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # Before admission the case list names the family in its link.
    page.goto(f"{base}/cases/")
    page.get_by_role("link", name=words["referral_link"]).click()
    expect(page).to_have_url(family_url)

    # She screens it against the seven criteria.
    page.get_by_role("button", name=words["screen"]).click()
    # .all() does not wait: the screening page must have loaded first.
    expect(page.locator("input[type=radio][value=met]").first).to_be_visible()
    for radio in page.locator("input[type=radio][value=met]").all():
        radio.check()
    page.click("main form button[type=submit]")
    expect(page.locator(".status")).to_contain_text("screening")

    # The coordinator admits the family: it gets a case number and becomes active.
    boss = new_page(locale=words["start"])
    sign_in(boss, base, "marie", PASSWORD)
    boss.select_option("#language-switcher", words["switch_to"])
    expect(boss.locator("html")).to_have_attribute("lang", language)
    boss.goto(family_url)
    boss.get_by_role("button", name=words["admit"], exact=True).click()
    expect(boss.locator("#id_case_managers input[type=checkbox]").first).to_be_checked()
    boss.click("main form button[type=submit]")
    expect(boss.locator("h1")).to_contain_text(re.compile(r"PT-\d{4}-001"))
    expect(boss.locator(".status")).to_have_text(words["active"])
    case_number = re.search(r"PT-\d{4}-001", boss.locator("h1").inner_text()).group(0)

    # And finds it in the case list by name, live as she types (htmx).
    boss.goto(f"{base}/cases/")
    boss.fill("#id_q", "qasimi")
    expect(boss.locator("#results")).to_contain_text(case_number)
    expect(boss.locator("#results")).to_contain_text(words["one_family"])
    expect(boss.locator("#results")).to_contain_text("Layla Qasimi")
