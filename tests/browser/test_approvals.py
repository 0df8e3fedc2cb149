"""An approval round trip: a case manager on a phone asks to close a file; the coordinator at a
desk, in Dutch, returns it with a comment; asked again, approves it, and the file is closed."""

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


def _ask_to_close(page, note):
    page.get_by_role("button", name="Ask to close").click()
    page.fill("#id_closed_on", "2026-05-02")
    page.select_option("#id_resolution", "stay_permanent")
    page.select_option("#id_engagement_at_closure", "remained_engaged")
    page.fill("#id_reason", note)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request waits for a coordinator's approval.")).to_be_visible()


def test_a_closure_returned_then_approved(live_server, new_page, make_family, project):
    project.approvals = True
    project.save(update_fields=["approvals"])
    family = make_family("active")

    phone = new_page(locale="en-GB", viewport=PHONE)
    sign_in(phone, live_server.url, "sara", PASSWORD)
    phone.goto(live_server.url + family.get_absolute_url())
    _ask_to_close(phone, "Residence permit received")
    expect(phone.locator("#approvals")).to_contain_text("Waiting for approval: closing the file")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    desk = new_page(locale="nl-BE")
    sign_in(desk, live_server.url, "marie", PASSWORD)
    desk.goto(live_server.url + "/cases/")
    desk.get_by_test_id("approvals-waiting").get_by_role("link").click()
    card = desk.get_by_test_id("approval-open")
    expect(card).to_contain_text("Residence permit received")
    card.get_by_label("Opmerking").fill("Het beroep bij de advocaat loopt nog")
    card.get_by_role("button", name="Terugsturen").click()
    expect(desk.get_by_text("Teruggestuurd, met uw opmerking.")).to_be_visible()
    expect(desk.get_by_text("Niets wacht op uw goedkeuring.")).to_be_visible()

    phone.reload()
    expect(phone.locator("#approvals")).to_contain_text("Het beroep bij de advocaat loopt nog")
    _ask_to_close(phone, "The appeal is withdrawn")

    desk.goto(live_server.url + family.get_absolute_url())
    desk.locator("#approvals").get_by_role("button", name="Goedkeuren").click()
    expect(desk.get_by_text("Goedgekeurd.")).to_be_visible()
    expect(desk.locator("h1 .status")).to_have_text("afgesloten")
    family.refresh_from_db()
    assert (family.status, family.resolution) == ("closed", "stay_permanent")
