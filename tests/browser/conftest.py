"""Headless Debian chromium driven by Playwright against pytest-django's live server."""

import shutil

import pytest
from django.db import connections

from tests.sso.loopback import _provider_process, oidc  # noqa: F401  (the OIDC provider's fixtures)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module: Playwright's event loop must not outlive the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A fresh browser profile per call (a user), closed after the test.

    Every page a journey visits is watched for Content Security Policy violations (Chromium
    reports each one on the console): the test fails on any of them.
    """
    contexts = []
    violations = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(locale="en-GB", viewport=None):
        context = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    # Under Playwright's event loop Django hands this context its own connection: close it,
    # or PostgreSQL cannot drop the test database at the end.
    connections.close_all()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


def totp_code(username: str) -> str:
    """The code the person's authenticator app shows now (a device is made if they have none).

    The device forgets the last code it accepted, so one person may sign in twice within
    the same 30 seconds in one test.
    """
    from django_otp.oath import TOTP

    from parcours.accounts.models import AuthenticatorApp, User

    user = User.objects.get(username=username)
    device, _ = AuthenticatorApp.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "phone"}
    )
    AuthenticatorApp.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def sign_in(page, base_url, username, password):
    """Sign in as a person does: name, password and the code from the app."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_code", totp_code(username))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
