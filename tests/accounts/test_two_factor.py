"""Two-factor sign-in (TOTP with recovery codes), tried as the person signing in and as an
attacker who knows the password, and the operator's reset."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from parcours.accounts.models import AuthenticatorApp, RecoveryCodes
from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def totp_now(device: AuthenticatorApp) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def _sign_in(client, username="sara", password=PASSWORD, code=""):
    return client.post(reverse("login"), {"username": username, "password": password, "code": code})


@pytest.fixture
def enrolled(case_manager):
    device = AuthenticatorApp.objects.create(user=case_manager, name="phone", confirmed=True)
    return device


def test_the_first_sign_in_leads_to_enrolment_and_nothing_else(case_manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _sign_in(client)
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor_setup")
    # Until the second factor is set up, every page leads back to the set-up page.
    for page in (reverse("cases:caseload"), reverse("cases:list"), reverse("accounts:account")):
        assert client.get(page).url == reverse("accounts:two_factor_setup")
    setup = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "<svg" in setup and "Set up two-factor sign-in" in setup
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', setup).group(1)
    device = AuthenticatorApp.objects.get(user=case_manager, confirmed=False)
    assert secret.replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert "not the one the app shows" in wrong.content.decode()
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # 1 s later
    done = client.post(reverse("accounts:two_factor_setup"), {"code": totp_now(device)})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("cases:caseload")).status_code == 200
    stored = RecoveryCodes.objects.get(user=case_manager)
    assert not any(code in str(stored.code_hashes) for code in codes)  # hashed, never plain
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_ENROLLED, object_id=str(case_manager.pk)
    ).exists()


def test_a_wrong_code_reads_like_a_wrong_password(enrolled):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    wrong_password = _sign_in(
        Client(**english), password="not-the-password", code=totp_now(enrolled)
    )
    wrong_code = _sign_in(Client(**english), code="123456")
    no_code = _sign_in(Client(**english))
    for response in (wrong_password, wrong_code, no_code):
        assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session

    def message(r):
        return r.context["form"].non_field_errors()

    assert message(wrong_password) == message(wrong_code) == message(no_code)
    assert "name, password or code is not right" in message(wrong_code)[0]
    # django-otp also slows down codes tried against the device (1 s after one failure).
    AuthenticatorApp.objects.filter(pk=enrolled.pk).update(throttling_failure_count=0)
    good = Client()
    assert _sign_in(good, code=totp_now(enrolled)).status_code == 302
    assert good.get(reverse("cases:caseload")).status_code == 200


def test_wrong_codes_pause_sign_in_like_wrong_passwords(enrolled, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, code="999999")
    paused = _sign_in(client, code=totp_now(enrolled))
    assert paused.status_code == 429 and "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(case_manager, enrolled):
    from parcours.accounts import twofactor

    codes = twofactor.new_recovery_codes(case_manager)
    first = Client()
    assert _sign_in(first, code=codes[3].upper()).status_code == 302
    assert first.get(reverse("cases:caseload")).status_code == 200
    again = _sign_in(Client(), code=codes[3])
    assert again.status_code == 200  # spent
    assert RecoveryCodes.objects.get(user=case_manager).remaining == 9


def test_the_operator_resets_a_lost_phone_and_ends_the_sessions(case_manager, enrolled, login):
    signed_in = login(case_manager)
    assert signed_in.get(reverse("cases:caseload")).status_code == 200
    out = io.StringIO()
    call_command("reset_2fa", "sara", stdout=out)
    assert "reset" in out.getvalue()
    assert not AuthenticatorApp.objects.filter(user=case_manager).exists()
    ended = signed_in.get(reverse("cases:caseload"))
    assert ended.status_code == 302 and ended.url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_RESET, object_id=str(case_manager.pk)
    ).exists()
    # At the next sign-in the password alone leads to a new enrolment.
    assert _sign_in(Client()).url == reverse("accounts:two_factor_setup")


def test_reset_names_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="'nobody': no such user"):
        call_command("reset_2fa", "nobody")


def test_the_demo_may_run_without_a_second_factor(case_manager, settings):
    settings.PARCOURS_REQUIRE_2FA = False
    client = Client()
    assert _sign_in(client).url == reverse("home")
    assert client.get(reverse("cases:caseload")).status_code == 200


def test_the_sign_in_page_shows_the_code_field_only_where_a_code_is_asked(case_manager, settings):
    assert 'id="id_code"' in Client().get(reverse("login")).content.decode()
    settings.PARCOURS_REQUIRE_2FA = False
    assert 'id="id_code"' not in Client().get(reverse("login")).content.decode()


def test_without_a_required_second_factor_one_set_up_is_still_asked_for(enrolled, settings):
    settings.PARCOURS_REQUIRE_2FA = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = _sign_in(client)
    html = first.content.decode()
    assert first.status_code == 200 and 'id="id_code"' in html
    assert "Your account asks for the code from your authenticator app too." in html
    assert client.get(reverse("cases:caseload")).status_code == 302
    assert _sign_in(client, code=totp_now(enrolled)).url == reverse("home")


def test_the_admin_site_signs_in_through_the_two_factor_page(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_session_without_its_code_must_sign_in_again(case_manager, enrolled):
    client = Client()
    client.force_login(case_manager)  # a session begun before the second factor was asked
    first = client.get(reverse("cases:caseload"))
    assert first.url == reverse("accounts:two_factor_setup")
    assert client.get(first.url).url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_apps_secret_is_sealed_at_rest_and_turned_to_a_new_key(settings, case_manager):
    from django.db import connection

    from parcours.privacy import keys
    from parcours.privacy.crypto import is_current
    from parcours.privacy.rotation import rotate

    device = AuthenticatorApp.objects.create(user=case_manager, name="phone", confirmed=True)
    secret = device.key
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatorapp WHERE id = %s", [device.pk])
        (raw,) = cursor.fetchone()
    assert secret not in raw and not re.fullmatch(r"[0-9a-f]+", raw)
    code = totp_now(AuthenticatorApp.objects.get(pk=device.pk))
    assert AuthenticatorApp.objects.get(pk=device.pk).verify_token(code)

    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key(), *settings.PARCOURS_ENCRYPTION_KEYS]
    keys.keyring.cache_clear()
    assert rotate()["accounts.AuthenticatorApp"] == 1
    resealed = AuthenticatorApp.objects.get(pk=device.pk)
    assert is_current(resealed.__dict__["key"]) and resealed.key == secret


def test_the_migration_seals_the_apps_set_up_before(case_manager):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old = TOTPDevice.objects.create(user=case_manager, name="phone", confirmed=True)
    migration = importlib.import_module("parcours.accounts.migrations.0004_authenticator_app")
    migration.seal_existing_apps(apps, None)
    assert not TOTPDevice.objects.exists()
    moved = AuthenticatorApp.objects.get(user=case_manager)
    assert moved.key == old.key and moved.confirmed
    assert totp_now(moved) == f"{TOTP(old.bin_key).token():06d}"
