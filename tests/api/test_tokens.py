"""Tokens: made once, hashed, never beyond their scopes or their owner's roles now, refused
when revoked, expired or sent in the address; failed attempts throttled per address."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.accounts.models import Membership, Role
from parcours.api import throttles
from parcours.api.models import ApiToken, Scope, token_hash
from parcours.api.tokens import TokenError, issue
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def test_the_command_prints_the_token_last_and_keeps_only_its_hash(case_manager):
    out = io.StringIO()
    call_command("api_token", "sara", "--name", "legal aid db", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(user=case_manager, name="legal aid db")
    assert token.token_hash == token_hash(secret) and secret.startswith("pct_")
    assert secret not in str(ApiToken.objects.values_list().get())
    # Without --scope: every scope a case manager's role allows, and nothing more.
    assert set(token.scopes) == {"cases:read", "casework:write", "sheets:read", "sheets:write"}
    assert (token.expires_at - timezone.now()).days in (89, 90)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATED, user=case_manager).exists()


def test_the_command_refuses_scopes_beyond_the_roles_and_revokes(case_manager, evaluator):
    with pytest.raises(Exception, match="do not allow: webhooks:manage"):
        call_command("api_token", "sara", "--name", "x", "--scope", "webhooks:manage")
    with pytest.raises(Exception, match="between 1 and 365"):
        call_command("api_token", "eiri", "--name", "x", "--expires-days", "400")
    call_command("api_token", "eiri", "--name", "dash", stdout=io.StringIO())
    assert ApiToken.objects.get(name="dash").scopes == ["reports:read", "sheets:read"]
    call_command("api_token", "eiri", "--name", "dash", "--revoke", stdout=io.StringIO())
    assert ApiToken.objects.get(name="dash").revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


def test_a_second_token_of_the_same_name_is_refused(case_manager):
    issue(Actor(case_manager), case_manager, "db")
    with pytest.raises(TokenError, match="already has a token named"):
        issue(Actor(case_manager), case_manager, "db")


def test_without_a_token_the_answer_is_401_as_a_problem(client):
    response = client.get("/api/v1/families/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"].startswith("Stuur een sleutel")  # the site's language
    french = client.get("/api/v1/families/", headers={"Accept-Language": "fr"})
    assert french.json()["detail"].startswith("Envoyez un jeton")


def test_a_token_in_the_address_is_refused_even_a_good_one(api, case_manager, client):
    good = api(case_manager)
    response = client.get(
        "/api/v1/families/", {"token": good.secret}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 401
    assert "Authorization header" in response.json()["detail"]
    assert good.get("/api/v1/families/", {"access_token": good.secret}).status_code == 401


def test_first_use_is_audited_once(api, case_manager):
    sara = api(case_manager)
    sara.get("/api/v1/projects/")
    sara.get("/api/v1/projects/")
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USED).count() == 1
    sara.token.refresh_from_db()
    assert sara.token.last_used_at is not None


def test_a_token_stops_when_its_owner_loses_the_role_or_the_account(api, case_manager, project):
    sara = api(case_manager)
    assert sara.get("/api/v1/families/").status_code == 200
    Membership.objects.filter(user=case_manager).update(role=Role.EVALUATOR)
    answer = sara.get("/api/v1/families/")
    assert answer.status_code == 403 and "cases:read" in answer.json()["detail"]
    Membership.objects.filter(user=case_manager).update(role=Role.CASE_MANAGER)
    case_manager.is_active = False
    case_manager.save()
    assert sara.get("/api/v1/families/").status_code == 401


def test_a_token_never_does_more_than_its_scopes(api, coordinator):
    reader = api(coordinator, scopes=["cases:read"])
    assert reader.get("/api/v1/families/").status_code == 200
    answer = reader.get("/api/v1/sheets/")
    assert answer.status_code == 403 and "sheets:read" in answer.json()["detail"]
    assert reader.get("/api/v1/webhooks/").status_code == 403


def test_revoked_and_expired_tokens_are_refused(api, case_manager):
    sara = api(case_manager)
    ApiToken.objects.filter(pk=sara.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert sara.get("/api/v1/projects/").status_code == 401
    other = api(case_manager, name="second")
    ApiToken.objects.filter(pk=other.token.pk).update(revoked_at=timezone.now())
    assert other.get("/api/v1/projects/").status_code == 401


def test_failed_tokens_are_counted_per_address_and_throttled(settings, client, api, case_manager):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    wrong = {"HTTP_AUTHORIZATION": "Bearer pct_guessing"}
    for _ in range(3):
        assert client.get("/api/v1/projects/", **wrong).status_code == 401
    refused = client.get("/api/v1/projects/", **wrong)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # From that address even a good token waits: guessing must not pay.
    assert api(case_manager).get("/api/v1/projects/").status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, page="api").count() == 3
    # The administrator sees them where password attempts are (django-axes' list).
    assert AccessAttempt.objects.get(username="(API token)").failures_since_start == 3
    # A person's password sign-in from that address is not paused by them.
    assert client.post("/login/", {"username": "sara", "password": PASSWORD}).status_code == 302


def test_requests_beyond_the_rate_get_429_with_retry_after(
    settings, api, case_manager, monkeypatch
):
    settings.PARCOURS_API_RATE = 2
    # The counts are per clock minute: the three requests stay in one, 20 s before its end
    # (on a busy machine they once straddled two and the third passed).
    monkeypatch.setattr(throttles, "time", SimpleNamespace(time=lambda: 1_781_000_080.5))
    sara = api(case_manager)
    assert sara.get("/api/v1/projects/").status_code == 200
    assert sara.get("/api/v1/projects/").status_code == 200
    refused = sara.get("/api/v1/projects/")
    # 19.5 s left in the minute: Retry-After rounds up, never sending a client back early.
    assert refused.status_code == 429 and refused["Retry-After"] == "21"
    assert refused["Content-Type"] == "application/problem+json"


def test_a_token_limited_to_a_project_sees_only_that_project(
    api, coordinator, other_project, project
):
    Membership.objects.create(user=coordinator, project=other_project, role=Role.COORDINATOR)
    both = api(coordinator).get("/api/v1/projects/").json()
    assert {p["slug"] for p in both} == {"pt", "other"}
    one = api(coordinator, project=other_project, name="one").get("/api/v1/projects/").json()
    assert [p["slug"] for p in one] == ["other"]


def test_the_page_makes_a_token_shown_once(login, case_manager):
    client = login(case_manager)
    page = client.get("/account/api-tokens/")
    assert page.status_code == 200 and "casework:write" in page.content.decode()
    made = client.post(
        "/account/api-tokens/",
        {"name": "intake form", "scopes": ["casework:write"], "expires_days": "30"},
    )
    secret = made.context["secret"]
    assert secret in made.content.decode()
    token = ApiToken.objects.get(name="intake form")
    assert token.scopes == [Scope.CASEWORK_WRITE] and token.token_hash == token_hash(secret)
    assert secret not in client.get("/account/api-tokens/").content.decode()


def test_the_page_refuses_a_scope_beyond_the_role(login, case_manager):
    answer = login(case_manager).post(
        "/account/api-tokens/",
        {"name": "x", "scopes": ["webhooks:manage"], "expires_days": "30"},
    )
    assert answer.status_code == 200 and not ApiToken.objects.exists()
    assert "webhooks:manage" in str(answer.context["form"].errors["scopes"])


def test_the_page_needs_a_verified_second_factor(settings, client, case_manager):
    settings.PARCOURS_REQUIRE_2FA = True
    client.force_login(case_manager)  # a password alone
    answer = client.post("/account/api-tokens/", {"name": "x", "expires_days": "30"})
    assert answer.status_code in (302, 404) and not ApiToken.objects.exists()


def test_a_coordinator_revokes_a_team_members_token_an_outsider_cannot(
    login, api, case_manager, coordinator, outsider
):
    sara = api(case_manager)
    assert login(outsider).post(f"/account/api-tokens/{sara.token.pk}/revoke/").status_code == 404
    page = login(coordinator).get("/account/api-tokens/")
    assert sara.token.name in page.content.decode()
    login(coordinator).post(f"/account/api-tokens/{sara.token.pk}/revoke/")
    assert sara.get("/api/v1/projects/").status_code == 401


def test_the_rate_is_counted_per_token_and_minute(api, case_manager):
    """One upsert adds one and returns the minute's sum; a new minute starts again at one and
    clears the token's earlier minutes, never another token's."""
    from parcours.api.models import RateCount
    from parcours.api.throttles import count

    sara, other = api(case_manager).token, api(case_manager, name="other").token
    assert [count(sara.pk, 100) for _ in range(3)] == [1, 2, 3]
    assert count(other.pk, 100) == 1
    assert count(sara.pk, 101) == 1
    assert set(RateCount.objects.values_list("token_id", "minute", "requests")) == {
        (sara.pk, 101, 1),
        (other.pk, 100, 1),
    }
