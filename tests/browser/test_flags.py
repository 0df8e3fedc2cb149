"""A case manager on a phone, in French, flags a file; the coordinator at a desk, in Dutch,
finds it by the flag in the case list and takes the flag off with a reason."""

import pytest
from playwright.sync_api import expect

from parcours.cases.models import Flag
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}


def test_a_flag_raised_on_a_phone_and_cleared_at_a_desk(
    live_server, new_page, make_family, coordinator
):
    family = make_family("active")
    make_family("active")  # another file, not flagged

    phone = new_page(locale="fr-BE", viewport=PHONE)
    sign_in(phone, live_server.url, "sara", PASSWORD)
    phone.goto(live_server.url + family.get_absolute_url())
    phone.get_by_role("link", name="Signaler ce dossier").click()
    phone.get_by_label("Urgence médicale").check()
    phone.fill("#id_note", "Rendez-vous à l'hôpital jeudi")
    phone.get_by_role("button", name="Signaler le dossier").click()
    expect(phone.get_by_text("Le dossier est signalé.")).to_be_visible()
    flags = phone.locator("#flags")
    expect(flags).to_contain_text("Urgence médicale")
    expect(flags).to_contain_text("Rendez-vous à l'hôpital jeudi")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    desk = new_page(locale="nl-BE")
    sign_in(desk, live_server.url, "marie", PASSWORD)
    desk.goto(live_server.url + "/cases/")
    desk.get_by_label("Signaal").select_option("medical")
    results = desk.locator("#results tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Medische urgentie")
    results.get_by_role("link").first.click()
    desk.locator("#flags").get_by_role("link", name="wegnemen").click()
    desk.get_by_role("button", name="Signaal wegnemen").click()  # no reason: refused
    expect(desk.locator(".field .error")).to_be_visible()
    desk.fill("#id_why", "Afspraak gehaald, kaart geregeld")
    desk.get_by_role("button", name="Signaal wegnemen").click()
    expect(desk.get_by_text("Het signaal is weggenomen.")).to_be_visible()
    expect(desk.locator("#flags .flag-card")).to_have_count(0)
    desk.locator("#flags summary").click()
    expect(desk.locator("#flags details")).to_contain_text("Afspraak gehaald, kaart geregeld")

    flag = Flag.objects.get(family=family)
    assert (flag.raised_by.username, flag.removed_by, flag.removal_reason) == (
        "sara",
        coordinator,
        "Afspraak gehaald, kaart geregeld",
    )
