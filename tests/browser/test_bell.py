"""The bell on a phone in French and on a desktop in Dutch: what was assigned shows as unread,
opening it leads to the file and the count goes down."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.mark.parametrize(
    ("locale", "viewport", "label", "told"),
    [
        (
            "fr-BE",
            {"width": 390, "height": 844},
            "Notifications : 2 non lues",
            "fait désormais partie de vos familles",
        ),
        (
            "nl-BE",
            {"width": 1280, "height": 900},
            "Meldingen: 2 ongelezen",
            "is nu een van uw gezinnen",
        ),
    ],
)
def test_the_bell_leads_to_what_is_new(
    live_server, new_page, make_family, locale, viewport, label, told
):
    first, second = make_family("active"), make_family("active")
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, live_server.url, "sara", PASSWORD)
    bell = page.get_by_test_id("bell")
    expect(bell).to_have_attribute("aria-label", label)
    bell.click()
    items = page.get_by_test_id("notifications").locator("li.unread")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(told)
    page.get_by_role("link", name=f"{first.case_number}").first.click()
    expect(page).to_have_url(f"{live_server.url}{first.get_absolute_url()}")
    expect(page.get_by_test_id("bell").locator(".badge")).to_have_text("1")
    assert second.case_number
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1


def test_on_a_phone_the_header_is_one_line_and_the_menu_opens(live_server, new_page, make_family):
    page = new_page(locale="nl-BE", viewport={"width": 390, "height": 844})
    sign_in(page, live_server.url, "sara", PASSWORD)
    header = page.locator("header").bounding_box()
    assert header["height"] <= 100
    toggle = page.locator("[data-menu-toggle]")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Mijn week")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Mijn week").click()
    expect(page).to_have_url(f"{live_server.url}/week/")
