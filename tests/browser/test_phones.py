"""Connecting a phone for ODK Collect, in a browser: the QR code is drawn whole (a clipped one
does not scan), the token shows once, the phone is listed and revoked."""

import base64
import json
import zlib

import pytest
from playwright.sync_api import expect

from parcours.collect import services
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.mark.parametrize(
    ("locale", "viewport", "connect", "revoke", "revoked"),
    [
        (
            "fr-BE",
            {"width": 390, "height": 844},
            "Créer un jeton et un code QR",
            "Révoquer",
            "révoqué",
        ),
        ("en-GB", {"width": 1280, "height": 900}, "Make a token and QR code", "Revoke", "revoked"),
    ],
)
def test_a_case_manager_connects_and_revokes_a_phone(
    live_server, new_page, case_manager, locale, viewport, connect, revoke, revoked
):
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(live_server.url + "/account/phones/")
    page.fill("#id_name", "Sara's Android")
    page.get_by_role("button", name=connect).click()

    qr = page.locator("figure.qr svg")
    expect(qr).to_be_visible()
    drawn = qr.evaluate(
        """svg => {
            const style = getComputedStyle(svg);
            const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
            return {box: svg.getBoundingClientRect().width, content: svg.clientWidth - padding,
                    wanted: Number(svg.getAttribute('width'))};
        }"""
    )
    assert drawn["box"] == drawn["content"] == drawn["wanted"], drawn  # nothing clipped
    page.locator("details summary").click()
    token = page.get_by_test_id("device-token").inner_text()
    server = page.get_by_test_id("server-url").inner_text()
    assert server == live_server.url + "/collect/pt"
    device = services.authenticate("sara", token)
    assert device is not None
    payload = services.collect_settings(server, device, token)
    assert json.loads(zlib.decompress(base64.b64decode(payload)))["general"]["password"] == token
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1

    page.goto(live_server.url + "/account/phones/")
    expect(page.locator("main")).not_to_contain_text(token)
    page.get_by_role("button", name=f"{revoke} Sara's Android").click()
    expect(page.locator("main")).to_contain_text(revoked)
    assert services.authenticate("sara", token) is None
