"""A session made through the provider whose account the worker could not re-check (the
provider gave no refresh token) is re-checked by a silent trip to the provider, on a page
load only: a form being sent or a background request goes through, nothing typed is lost."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from parcours.sso.models import ProviderLink
from parcours.sso.services import SESSION_LINK

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


@pytest.fixture
def stale_session(oidc, case_manager, login, settings):
    old = timezone.now() - datetime.timedelta(minutes=settings.PARCOURS_OIDC_RECHECK_MINUTES + 1)
    link = ProviderLink.objects.create(
        user=case_manager, issuer=oidc.issuer, subject="s1", checked_at=old
    )
    client = login(case_manager)
    session = client.session
    session[SESSION_LINK] = str(link.pk)
    session.save()
    return client


def test_a_page_load_goes_to_the_provider_without_a_prompt(oidc, stale_session):
    reply = stale_session.get("/cases/", HTTP_SEC_FETCH_MODE="navigate")
    assert reply.status_code == 302
    address = urlparse(reply.url)
    assert reply.url.startswith(oidc.issuer)
    query = parse_qs(address.query)
    assert query["prompt"] == ["none"] and query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"]


def test_a_form_post_or_a_background_request_is_not_sent_away(stale_session):
    assert stale_session.get("/cases/", HTTP_HX_REQUEST="true").status_code == 200
    assert stale_session.get("/cases/", HTTP_SEC_FETCH_MODE="cors").status_code == 200
    reply = stale_session.post("/account/keep-alive/")  # a POST reaches its view
    assert not (reply.status_code == 302 and "/auth" in reply.url)


def test_a_session_whose_link_was_refused_ends(stale_session):
    ProviderLink.objects.update(refused_at=timezone.now(), checked_at=timezone.now())
    reply = stale_session.get("/cases/")
    assert reply.status_code == 302 and reply.url.startswith("/login/")
    assert stale_session.get("/cases/").url.startswith("/login/")
