"""Too many failed sign-ins for one name from one address pause that pair (django-axes)."""

from django.test import Client
from django.urls import reverse

from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def _attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_right_password_is_refused_after_five_failures(case_manager, coordinator, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(client, "sara", "wrong").status_code == 200  # the form, with its error
    assert _attempt(client, "sara", "wrong").status_code == 429  # the fifth failure pauses
    paused = _attempt(client, "sara", PASSWORD)
    assert paused.status_code == 429
    assert "Sign-in paused" in paused.content.decode() and "15 minutes" in paused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    # A colleague behind the same address still signs in.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _attempt(other, "marie", PASSWORD).status_code == 302


def test_a_success_before_the_limit_clears_the_count(case_manager, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "sara", "wrong")
    assert _attempt(client, "sara", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "sara", "wrong")
    assert _attempt(client, "sara", PASSWORD).status_code == 302
