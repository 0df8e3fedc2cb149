"""Sessions end when idle, after an absolute limit, and everywhere else on a new password."""

import datetime

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.middleware import RENEWED_AT, SIGNED_IN_AT
from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def test_the_session_expires_on_the_server_after_the_idle_limit(case_manager, login, settings):
    client = login(case_manager)
    assert settings.SESSION_COOKIE_AGE == settings.PARCOURS_SESSION_IDLE_MINUTES * 60 == 1800
    client.get(reverse("cases:caseload"))
    assert client.session.get_expiry_age() <= 1800
    # The store forgets a session whose expiry has passed, whatever the browser sends.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_session_ends_after_the_absolute_limit(case_manager, login, settings):
    client = login(case_manager)
    session = client.session
    started = timezone.now() - datetime.timedelta(hours=settings.PARCOURS_SESSION_MAX_HOURS + 1)
    session[SIGNED_IN_AT] = started.timestamp()
    session.save()
    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + reverse("cases:caseload")
    assert "_auth_user_id" not in client.session


def test_the_page_knows_the_idle_limit_and_offers_to_stay(case_manager, login):
    page = login(case_manager).get(reverse("cases:caseload")).content.decode()
    assert 'data-session-idle="1800"' in page and "Stay signed in" in page
    assert login(case_manager).get(reverse("accounts:keep_alive")).status_code == 204


def _stored(client):
    return Session.objects.filter(session_key=client.session.session_key)


def _renewed_ago(client, seconds):
    """As if the last renewal were ``seconds`` ago: in the session and in the store's expiry."""
    session = client.session
    session[RENEWED_AT] -= seconds
    session.save()
    expiry = datetime.timedelta(seconds=1800 - seconds)
    _stored(client).update(expire_date=timezone.now() + expiry)


def test_requests_renew_the_idle_limit_once_a_minute_without_writing_each_time(case_manager, login):
    client = login(case_manager)
    client.get(reverse("cases:caseload"))
    expiry = _stored(client).get().expire_date
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:caseload"))
    writes = [q for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert writes == [] and _stored(client).get().expire_date == expiry
    assert 1790 <= int(response["X-Session-Seconds-Left"]) <= 1800

    # Thirty seconds on, a page counts down from what the store has left, not from 30 minutes.
    _renewed_ago(client, 30)
    page = client.get(reverse("cases:caseload"))
    left = int(page["X-Session-Seconds-Left"])
    assert 1760 <= left <= 1770 and f'data-session-left="{left}"' in page.content.decode()

    # Past the minute, the next request pushes the limit back to 30 minutes.
    _renewed_ago(client, 61)
    response = client.get(reverse("cases:caseload"))
    assert int(response["X-Session-Seconds-Left"]) >= 1790
    assert _stored(client).get().expire_date >= timezone.now() + datetime.timedelta(seconds=1790)


def test_stay_signed_in_renews_at_once(case_manager, login):
    client = login(case_manager)
    client.get(reverse("cases:caseload"))
    _renewed_ago(client, 30)
    response = client.get(reverse("accounts:keep_alive"))
    assert response.status_code == 204 and int(response["X-Session-Seconds-Left"]) >= 1790
    assert _stored(client).get().expire_date >= timezone.now() + datetime.timedelta(seconds=1790)


def test_no_countdown_for_someone_signed_out(client):
    response = client.get(reverse("login"))
    assert "X-Session-Seconds-Left" not in response and "data-session-left" not in (
        response.content.decode()
    )


def test_a_new_password_ends_the_other_sessions_only(case_manager, login):
    here, elsewhere = login(case_manager), login(case_manager)
    new = "another-long-password-2026"
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("cases:caseload")).status_code == 200
    assert elsewhere.get(reverse("cases:caseload")).url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_a_wrong_old_password_changes_nothing(case_manager, login):
    client = login(case_manager)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x-long-pass-1", "new_password2": "x"},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    case_manager.refresh_from_db()
    assert case_manager.check_password(PASSWORD)
