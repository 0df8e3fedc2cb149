"""On a phone during a home visit: the first screen holds the file's main tasks; log the visit,
add an action, mark it done, see the review."""

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

    # Log the home visit from the first screen's button, on a page of its own.
    page.locator(".main-tasks").get_by_role("button", name="Log a contact").click()
    page.select_option("#id_kind", "home_visit")
    page.fill("#id_minutes", "45")
    page.get_by_label("Amina Haddad").check()
    page.fill("#id_note", "Went through the letters together")
    page.click("main form button[type=submit]")
    expect(page.get_by_text("The contact is logged.")).to_be_visible()
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

    # A phone call, logged in place: the box fetches its form when opened.
    contacts.locator("summary").click()
    contacts.locator("#id_kind").select_option("phone_call")
    contacts.locator("#id_minutes").fill("10")
    contacts.locator("#id_note").fill("Called about the appointment")
    contacts.get_by_role("button", name="Save the contact").click()
    expect(contacts).to_contain_text("Called about the appointment")
    expect(contacts.locator("details")).not_to_have_attribute("open", "")

    # The page fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1


@pytest.mark.parametrize(
    ("locale", "due", "log", "plan", "pause"),
    [
        ("en-GB", "What is due", "Log a contact", "Open the plan", "Pause"),
        ("fr-BE", "À faire", "Enregistrer un contact", "Ouvrir le plan", "Suspendre"),
    ],
)
def test_the_first_screen_holds_the_main_tasks(
    live_server, new_page, make_family, locale, due, log, plan, pause
):
    family = make_family("active")
    page = new_page(locale=locale, viewport=PHONE)
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(live_server.url + family.get_absolute_url())
    tasks = page.locator(".main-tasks")  # buttons: links drawn as buttons
    first_screen = [
        page.get_by_role("heading", name=family.case_number),
        page.get_by_role("heading", name=due),
        page.get_by_test_id("next-review"),
        tasks.get_by_role("button", name=log, exact=True),
        tasks.get_by_role("button", name=plan, exact=True),
    ]
    for locator in first_screen:
        box = locator.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], locator
    # Pausing the file is still there, further down, away from the thumb.
    assert page.get_by_role("button", name=pause, exact=True).bounding_box()["y"] > PHONE["height"]
    tasks.get_by_role("button", name=plan, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{family.get_absolute_url()}plan/")
