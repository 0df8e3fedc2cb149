"""On a phone during a home visit: log the visit, add an action, mark it done, see the review."""

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


def test_a_home_visit_and_an_action_from_a_phone(live_server, new_page, make_family):
    family = make_family("active")
    page = new_page(locale="en-GB", viewport=PHONE)
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(live_server.url + family.get_absolute_url())
    expect(page.get_by_test_id("next-review")).to_have_text("26 April 2026")

    # Log the home visit in the page itself (htmx swaps the contacts panel).
    page.get_by_text("Log a contact").click()
    page.select_option("#id_kind", "home_visit")
    page.fill("#id_minutes", "45")
    page.get_by_label("Amina Haddad").check()
    page.fill("#id_note", "Went through the letters together")
    page.get_by_role("button", name="Save the contact").click()
    contacts = page.locator("#contacts")
    expect(contacts).to_contain_text("Went through the letters together")
    expect(contacts.locator("tbody tr").first).to_contain_text("1")  # home visits: 1 in 30 days

    # Add an action to the plan, then mark it done with one tap.
    page.get_by_role("link", name="add an action").click()
    page.fill("#id_description", "Ask the lawyer for the file")
    page.select_option("#id_actor", "case_manager")
    page.click("main form button[type=submit]")
    actions = page.locator("#actions")
    expect(actions).to_contain_text("Ask the lawyer for the file")
    actions.get_by_role("button", name="Done").click()
    expect(actions).to_contain_text("No open action.")

    # The page fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
