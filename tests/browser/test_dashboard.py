"""The dashboard on a phone in French and at a desk in Dutch: each number opens its files."""

import datetime

import pytest
from playwright.sync_api import expect

from parcours.casework import services as casework
from parcours.casework.models import Action
from parcours.privacy.audit import Actor
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}


def test_the_dashboard_on_a_phone_and_at_a_desk(live_server, new_page, make_family, case_manager):
    late = make_family("active")
    make_family("active")
    casework.save_action(
        Actor(case_manager),
        Action(
            family=late,
            description="Lawyer",
            actor="case_manager",
            due_on=datetime.date(2026, 1, 2),
        ),
    )

    phone = new_page(locale="fr-BE", viewport=PHONE)
    sign_in(phone, live_server.url, "marie", PASSWORD)
    expect(phone.locator("h1")).to_have_text("Tableau de bord")  # the coordinator's home
    board = phone.get_by_test_id("board")
    sara = board.locator("tbody tr").filter(has_text="Sara")
    expect(sara.locator('td[data-label="Dossiers ouverts"]')).to_have_text("2")
    expect(sara.locator('td[data-label="Actions en retard"]')).to_have_text("1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    sara.locator('td[data-label="Actions en retard"] a').click()
    expect(phone.locator("#results tbody tr")).to_have_count(1)
    expect(phone.locator("#results")).to_contain_text(late.case_number)
    expect(phone.locator("#id_case_manager_name")).to_have_value("Sara")  # whose files

    desk = new_page(locale="nl-BE")
    sign_in(desk, live_server.url, "marie", PASSWORD)
    desk.get_by_role("link", name="Overzicht").click()
    total = desk.get_by_test_id("board").locator("tfoot tr")
    expect(total).to_contain_text("Alle dossiers")
    total.locator('td[data-label="Open dossiers"] a').click()
    expect(desk.locator("#results tbody tr")).to_have_count(2)
    expect(desk.locator("#id_status")).to_have_value("open")


def test_the_case_manager_field_offers_names_as_one_types(
    live_server, new_page, make_family, case_manager, colleague
):
    mine = make_family("active")
    theirs = make_family("active", by=colleague)
    desk = new_page(locale="en-GB")
    sign_in(desk, live_server.url, "marie", PASSWORD)
    desk.goto(f"{live_server.url}/cases/")
    field = desk.get_by_label("Case manager")
    field.click()  # the names come on focus, then narrow as one types
    expect(desk.locator("#id_case_manager_name_choices option")).to_have_count(2)
    field.press_sequentially("yo")
    expect(desk.locator("#id_case_manager_name_choices option")).to_have_count(1)
    expect(desk.locator("#id_case_manager_name_choices option")).to_have_attribute(
        "value", "Youssef"
    )
    field.fill("Youssef")  # as the browser fills in a name picked from its list
    expect(desk.locator("#results tbody tr")).to_have_count(1)
    expect(desk.locator("#results")).to_contain_text(theirs.case_number)
    expect(desk.locator("#results")).not_to_contain_text(mine.case_number)
