"""Single sign-on against a real provider, driven in Chromium: who gets in, with which
second factor, what is refused, and how a session made there ends."""

import datetime
import re
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.privacy.models import AuditAction, AuditEvent
from parcours.sso.models import Factor, ProviderLink, ProviderSession
from tests.browser.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = {"width": 390, "height": 844}


def _email(user, address):
    user.email = address
    user.save(update_fields=["email"])


def _through_provider(page, base, account=None):
    """From Parcours' sign-in page to the provider's, as the person, and back (without
    ``account``: the provider still knows the browser and asks nothing)."""
    page.goto(f"{base}/login/")
    page.get_by_role("button", name="Sign in with Example Org").click()
    if account:
        expect(page.get_by_role("heading", name="Organisation sign-in")).to_be_visible()
        page.fill("#login", account)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_a_known_person_signs_in_with_the_providers_second_factor(
    oidc, live_server, new_page, case_manager, tmp_path
):
    _email(case_manager, "sara@example.org")
    oidc.accounts(s1={"email": "sara@example.org", "name": "Sara", "amr": ["pwd", "mfa"]})
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/login/")
    page.screenshot(path=str(tmp_path / "login-phone.png"), full_page=True)
    _through_provider(page, live_server.url, "s1")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    link = ProviderLink.objects.get(user=case_manager)
    assert (link.issuer, link.subject, link.last_factor) == (oidc.issuer, "s1", Factor.PROVIDER)
    assert link.refresh_token  # what the worker re-checks the account with, sealed
    trail = AuditEvent.objects.filter(user=case_manager).values_list("action", "page")
    assert (AuditAction.SSO_LINKED, "sso:by-email") in set(trail)
    assert (AuditAction.SSO_SIGNED_IN, "sso:provider") in set(trail)
    # A second factor counted: pages that ask for a verified session open.
    page.goto(f"{live_server.url}/account/api-tokens/")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()


def test_without_a_second_factor_at_the_provider_parcours_asks_its_own_code(
    oidc, live_server, new_page, case_manager
):
    _email(case_manager, "sara@example.org")
    code = totp_code("sara")  # an authenticator app is set up
    oidc.accounts(s1={"email": "sara@example.org", "name": "Sara", "amr": ["pwd"]})
    page = new_page(locale="fr-FR")
    _through_provider(page, live_server.url, "s1")
    expect(page).to_have_url(re.compile(r"/oidc/code/$"))
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_code-error, .error, [role=alert]").first).to_be_visible()
    assert not ProviderSession.objects.exists()
    page.fill("#id_code", totp_code("sara"))
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    link = ProviderLink.objects.get(user=case_manager)
    assert link.last_factor == Factor.PARCOURS
    assert AuditEvent.objects.filter(
        user=case_manager, action=AuditAction.SSO_SIGNED_IN, page="sso:parcours"
    ).exists()


def test_an_unknown_person_is_refused_and_nothing_is_made(
    oidc, live_server, new_page, case_manager, django_user_model
):
    _email(case_manager, "sara@example.org")
    oidc.accounts(
        x1={"email": "stranger@example.org", "amr": ["mfa"]},
        x2={"email": "sara@example.org", "email_verified": False, "amr": ["mfa"]},
    )
    users = django_user_model.objects.count()
    for account in ("x1", "x2"):  # unknown; or known only by an address nobody verified
        page = new_page()
        _through_provider(page, live_server.url, account)
        expect(page.get_by_role("heading", name="Signing in did not work")).to_be_visible()
        expect(page.get_by_text("Ask your coordinator")).to_be_visible()
    assert django_user_model.objects.count() == users
    assert not ProviderLink.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SSO_REFUSED).count() == 2
    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.parametrize("mode", ["issuer", "audience", "expired", "nonce"])
def test_an_id_token_that_is_not_for_us_is_refused(oidc, live_server, new_page, case_manager, mode):
    _email(case_manager, "sara@example.org")
    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"]})
    oidc.misbehave(mode)
    page = new_page()
    _through_provider(page, live_server.url, "s1")
    expect(page.get_by_text("could not be trusted")).to_be_visible()
    assert not ProviderLink.objects.exists()
    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_a_forged_state_is_refused(oidc, live_server, new_page, case_manager):
    _email(case_manager, "sara@example.org")
    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"]})
    page = new_page()

    def forge(route):
        """The provider's way back to Parcours (its sign-in form, then its resuming, each a
        redirect), followed here, and the browser sent back with another state in it."""
        resume = route.fetch(max_redirects=0).headers["location"]
        back = page.request.get(urljoin(oidc.issuer, resume), max_redirects=0)
        forged = re.sub(r"state=[^&]+", "state=forged", back.headers["location"])
        route.fulfill(status=303, headers={"Location": forged})

    # Playwright routes the request a page makes, not the redirects that follow it.
    page.route(f"{oidc.issuer}/interaction/*", forge)
    _through_provider(page, live_server.url, "s1")
    expect(page.get_by_text("could not be trusted")).to_be_visible()
    assert not ProviderSession.objects.exists()


def test_a_disabled_account_at_the_provider_is_out_within_the_recheck(
    oidc, live_server, new_page, case_manager, settings
):
    from django.test import Client

    from parcours.api import tokens
    from parcours.privacy.audit import Actor
    from parcours.sso.services import recheck_due

    _email(case_manager, "sara@example.org")
    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"]})
    page = new_page()
    _through_provider(page, live_server.url, "s1")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    _token, secret = tokens.issue(Actor(case_manager), case_manager, "sync", None, None)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/projects/").status_code == 200

    # Still there: the re-check keeps the session and its tokens.
    old = timezone.now() - datetime.timedelta(minutes=settings.PARCOURS_OIDC_RECHECK_MINUTES + 1)
    ProviderLink.objects.update(checked_at=old)
    assert recheck_due() == 1
    assert ProviderLink.objects.get().refused_at is None

    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"], "disabled": True})
    ProviderLink.objects.update(checked_at=old)
    assert recheck_due() == 1
    assert ProviderLink.objects.get().refused_at is not None
    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert api.get("/api/v1/projects/").status_code == 401
    assert AuditEvent.objects.filter(user=case_manager, action=AuditAction.SSO_REFUSED).exists()

    # Back at the provider, the person signs in again and their tokens work again.
    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"]})
    _through_provider(page, live_server.url)
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert api.get("/api/v1/projects/").status_code == 200


def test_signing_out_offers_the_providers_and_its_logout_ends_the_session(
    oidc, live_server, new_page, case_manager, browser
):
    _email(case_manager, "sara@example.org")
    oidc.accounts(s1={"email": "sara@example.org", "amr": ["mfa"]})
    page = new_page()
    _through_provider(page, live_server.url, "s1")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out of Parcours")).to_be_visible()
    page.get_by_role("button", name="Sign out of my organisation's account too").click()
    page.locator("button[autofocus], form button").first.click()  # the provider asks first
    expect(page).to_have_url(re.compile(r"/login/$"))

    # Signed in again, then out at the provider directly: its back-channel logout ends
    # Parcours' session too.
    _through_provider(page, live_server.url, "s1")  # signed out there: it asks again
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    assert ProviderSession.objects.count() == 1
    page.goto(f"{oidc.issuer}/session/end?client_id=parcours")
    page.locator("button[autofocus], form button").first.click()
    page.wait_for_load_state()
    assert not ProviderSession.objects.exists()
    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert AuditEvent.objects.filter(user=case_manager, action=AuditAction.SSO_ENDED).exists()
