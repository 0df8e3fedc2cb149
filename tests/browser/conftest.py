"""Headless Debian chromium driven by Playwright against pytest-django's live server."""

import shutil

import pytest
from django.db import connections

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
    """A fresh browser profile per call (a user), closed after the test."""
    contexts = []

    def make(locale="en-GB", viewport=None):
        context = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    # Under Playwright's event loop Django hands this context its own connection: close it,
    # or PostgreSQL cannot drop the test database at the end.
    connections.close_all()


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
