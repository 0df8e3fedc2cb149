"""On a phone: the first sign-in sets up the authenticator app; later sign-ins take its code;
a session that runs out while a form is being filled gives the text back after signing in."""

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from parcours.accounts.models import AuthenticatorApp
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}


def _code_for(secret: str, after_step: int | None = None) -> str:
    """The code the app shows now, or the first one after the step last used (so a test that
    crosses a 30-second boundary still types a code the server takes)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    if after_step is not None:
        totp.time = (after_step + 1) * totp.step
    return f"{totp.token():06d}"


def test_the_first_sign_in_sets_up_the_app_on_a_phone(
    live_server, new_page, case_manager, tmp_path
):
    page = new_page(locale="en-GB", viewport=PHONE)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sara")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.screenshot(path=str(tmp_path / "enrol-phone.png"), full_page=True)
    page.get_by_text("Cannot scan? Type this key instead").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.fill("#id_code", _code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("button", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # Signing out and in again takes the code the app shows (the next one: the first is spent).
    page.locator("[data-menu-toggle]").click()  # on a phone, signing out is in the menu
    page.get_by_role("button", name="Sign out").click()
    page.fill("#id_username", "sara")
    page.fill("#id_password", PASSWORD)
    spent = AuthenticatorApp.objects.get(user=case_manager).last_t
    page.fill("#id_code", _code_for(secret, after_step=spent))
    page.click("main button[type=submit]")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


def test_text_typed_when_the_session_runs_out_comes_back(
    live_server, new_page, make_family, settings
):
    family = make_family("active")
    page = new_page(locale="en-GB", viewport=PHONE)
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(live_server.url + family.get_absolute_url())
    page.get_by_role("link", name="add an action").click()
    settings.PARCOURS_SESSION_IDLE_MINUTES = 0.1  # six seconds, for this test only
    settings.SESSION_COOKIE_AGE = 6
    page.reload()
    page.fill("#id_description", "Call the lawyer about the appeal")
    expect(page.get_by_role("heading", name="Still there?")).to_be_visible()
    # Nobody answers: the page moves to the sign-in form once the server has ended the session.
    expect(page.locator("#id_username")).to_be_visible(timeout=15_000)
    settings.PARCOURS_SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 1800
    page.fill("#id_username", "sara")
    page.fill("#id_password", PASSWORD)
    from tests.browser.conftest import totp_code

    page.fill("#id_code", totp_code("sara"))
    page.click("main button[type=submit]")
    expect(page.locator("#id_description")).to_have_value("Call the lawyer about the appeal")
    expect(page.locator("#restored-notice")).to_be_visible()
