"""Single sign-on without a provider running: the operator's link command, the password form
switched off, the administrators' view, and what a refused account can no longer do."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from parcours.privacy.models import AuditAction, AuditEvent
from parcours.sso.models import ProviderLink, ProviderSession
from parcours.sso.services import SESSION_LINK, refuse
from tests.conftest import PASSWORD

ISSUER = "https://login.example.org"


@pytest.fixture
def configured(settings):
    from parcours.sso import provider

    settings.PARCOURS_OIDC_ISSUER = ISSUER
    settings.PARCOURS_OIDC_CLIENT_ID = "parcours"
    settings.PARCOURS_OIDC_CLIENT_SECRET = "secret"
    settings.PARCOURS_OIDC_LABEL = "Sign in with Example Org"
    provider._client.cache_clear()
    yield settings
    provider._client.cache_clear()


def test_without_a_provider_the_sign_in_page_has_no_button_and_its_pages_are_404(db, client):
    page = client.get("/login/").content.decode()
    assert "/oidc/start/" not in page
    for path in ("/oidc/start/", "/oidc/callback/", "/oidc/code/"):
        assert client.get(path).status_code == 404
    assert client.post("/oidc/backchannel-logout/").status_code == 404


def test_the_sign_in_page_shows_the_button_beside_or_instead_of_the_password(db, configured):
    page = Client().get("/login/").content.decode()
    assert "Sign in with Example Org" in page and 'name="password"' in page
    configured.PARCOURS_OIDC_ONLY = True
    page = Client().get("/login/").content.decode()
    assert "Sign in with Example Org" in page and 'name="password"' not in page


def test_with_single_sign_on_only_a_password_is_not_even_tried(db, configured, case_manager):
    configured.PARCOURS_OIDC_ONLY = True
    client = Client()
    reply = client.post("/login/", {"username": "sara", "password": PASSWORD})
    assert reply.status_code == 403
    assert "_auth_user_id" not in client.session


def test_link_sso_links_and_unlinks_audited(db, configured, case_manager, outsider, capsys):
    call_command("link_sso", "sara", "--subject", "00u-sara")
    link = ProviderLink.objects.get(user=case_manager)
    assert (link.issuer, link.subject) == (ISSUER, "00u-sara")
    assert "sara signs in as 00u-sara" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already linked to sara"):
        call_command("link_sso", "olga", "--subject", "00u-sara")
    with pytest.raises(CommandError, match="no such user"):
        call_command("link_sso", "nobody", "--subject", "x")
    call_command("link_sso", "sara", "--unlink")
    assert not ProviderLink.objects.exists()
    with pytest.raises(CommandError, match="not linked"):
        call_command("link_sso", "sara", "--unlink")
    actions = AuditEvent.objects.filter(user=case_manager).values_list("action", flat=True)
    assert {AuditAction.SSO_LINKED, AuditAction.SSO_UNLINKED} <= set(actions)


def test_link_sso_needs_a_provider(db, case_manager):
    with pytest.raises(CommandError, match="PARCOURS_OIDC_ISSUER"):
        call_command("link_sso", "sara", "--subject", "00u-sara")


def test_administrators_see_how_each_account_signs_in(db, configured, case_manager, login):
    from parcours.accounts.models import User

    root = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    call_command("link_sso", "sara", "--subject", "00u-sara")
    ProviderLink.objects.update(last_factor="provider", last_sign_in_at=timezone.now())
    page = login(root).get("/admin/accounts/user/").content.decode()
    assert "single sign-on and password" in page  # sara: linked, her password kept
    assert "Signs in with" in page or "signs in with" in page.lower()


def test_a_refused_account_loses_its_sessions_phone_and_api_tokens(
    db, configured, case_manager, project, login
):
    from parcours.api import tokens
    from parcours.collect import services as phones
    from parcours.privacy.audit import Actor

    call_command("link_sso", "sara", "--subject", "00u-sara")
    link = ProviderLink.objects.get()
    browser = login(case_manager)
    session = browser.session
    session[SESSION_LINK] = str(link.pk)
    session.save()
    ProviderSession.objects.create(link=link, session_key=session.session_key, sid="s")
    _api, api_secret = tokens.issue(Actor(case_manager), case_manager, "sync", None, None)
    _phone, phone_secret = phones.issue(Actor(case_manager), case_manager, project, "phone")
    assert tokens.authenticate(api_secret, Actor(None)) is not None
    assert phones.authenticate("sara", phone_secret) is not None

    refuse(link, "invalid_grant")

    assert browser.get("/cases/").status_code == 302  # its session is gone
    assert tokens.authenticate(api_secret, Actor(None)) is None
    assert phones.authenticate("sara", phone_secret) is None
    assert not ProviderSession.objects.exists()
    assert AuditEvent.objects.filter(
        user=case_manager, action=AuditAction.SSO_REFUSED, page="sso:invalid_grant"
    ).exists()


def test_a_logout_token_that_is_not_signed_by_the_provider_is_refused(db, configured):
    from unittest import mock

    from parcours.sso import provider

    keys = {"keys": []}
    with (
        mock.patch.object(
            provider.client(), "load_server_metadata", return_value={"issuer": ISSUER}
        ),
        mock.patch.object(provider.client(), "fetch_jwk_set", return_value=keys),
    ):
        reply = Client().post("/oidc/backchannel-logout/", {"logout_token": "e30.e30.e30"})
        assert reply.status_code == 400
        assert Client().post("/oidc/backchannel-logout/").status_code == 400
