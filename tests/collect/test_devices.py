"""Connecting and revoking phones: the page, the provisioning command, and who may do what."""

import base64
import json
import zlib

import pytest
from django.core.management import CommandError, call_command

from parcours.collect import services
from parcours.collect.models import DeviceToken, token_hash
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditAction, AuditEvent
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def test_a_case_manager_connects_a_phone_and_sees_its_token_once(case_manager, login):
    client = login(case_manager)
    page = client.get("/account/phones/")
    assert page.status_code == 200
    reply = client.post(
        "/account/phones/", {**form_data(page.context["form"]), "name": "Sara's Android"}
    )
    assert reply.status_code == 200
    token = reply.context["token"]
    device = DeviceToken.objects.get(user=case_manager)
    assert device.token_hash == token_hash(token) and token not in device.token_hash
    html = reply.content.decode()
    assert token in html and "<svg" in html
    assert "http://testserver/collect/pt" in html
    assert services.authenticate(case_manager.username, token) == device
    assert AuditEvent.objects.filter(action=AuditAction.DEVICE_ADDED, user=case_manager).exists()
    listing = client.get("/account/phones/").content.decode()
    assert "Sara&#x27;s Android" in listing and token not in listing


def test_the_qr_code_carries_collects_settings(case_manager, project):
    device, token = services.issue(Actor(case_manager), case_manager, project, "tablet")
    code = services.collect_settings("https://p.example/collect/pt", device, token)
    settings = json.loads(zlib.decompress(base64.b64decode(code)))
    assert settings["general"]["server_url"] == "https://p.example/collect/pt"
    assert settings["general"]["username"] == "sara"
    assert settings["general"]["password"] == token
    assert settings["general"]["delete_send"] is True


def test_a_phone_needs_a_name_not_yet_in_use(case_manager, project, login):
    client = login(case_manager)
    blank = client.post("/account/phones/", {"project": project.pk, "name": " "})
    assert "This field is required." in blank.content.decode()
    client.post("/account/phones/", {"project": project.pk, "name": "tablet"})
    again = client.post("/account/phones/", {"project": project.pk, "name": "tablet"})
    again = again.content.decode()
    assert "already has a phone named" in again
    assert DeviceToken.objects.count() == 1


def test_people_who_do_not_fill_sheets_have_no_phones_page(evaluator, administrator, login):
    for user in (evaluator, administrator):
        assert login(user).get("/account/phones/").status_code == 404


def test_a_phone_is_revoked_by_its_owner_or_a_coordinator_and_no_one_else(
    case_manager, colleague, coordinator, outsider, project, login
):
    device, _token = services.issue(Actor(case_manager), case_manager, project, "phone")
    for stranger in (colleague, outsider):
        assert login(stranger).post(f"/account/phones/{device.pk}/revoke/").status_code == 404
    device.refresh_from_db()
    assert device.in_use
    assert login(coordinator).get("/account/phones/").context["team"].get() == device
    assert login(coordinator).post(f"/account/phones/{device.pk}/revoke/").status_code == 302
    device.refresh_from_db()
    assert not device.in_use
    assert AuditEvent.objects.filter(action=AuditAction.DEVICE_REVOKED).count() == 1

    own, _token = services.issue(Actor(case_manager), case_manager, project, "phone")
    assert login(case_manager).post(f"/account/phones/{own.pk}/revoke/").status_code == 302
    own.refresh_from_db()
    assert not own.in_use


def test_the_command_provisions_and_revokes_a_phone(case_manager, evaluator, capsys):
    call_command(
        "device_token", "sara", project="pt", name="tablet 2", url="https://p.example/", qr=True
    )
    out = capsys.readouterr().out
    assert "Server URL: https://p.example/collect/pt" in out
    token = next(line.split()[-1] for line in out.splitlines() if line.startswith("Token:"))
    assert services.authenticate("sara", token).name == "tablet 2"
    assert "█" in out or "▀" in out  # the QR code on the terminal
    call_command("device_token", "sara", project="pt", name="tablet 2", revoke=True)
    assert services.authenticate("sara", token) is None
    with pytest.raises(CommandError, match="neither a case manager nor a coordinator"):
        call_command("device_token", "eiri", project="pt", name="x", url="https://p.example")
    with pytest.raises(CommandError, match="no project"):
        call_command("device_token", "sara", project="nope", name="x")
