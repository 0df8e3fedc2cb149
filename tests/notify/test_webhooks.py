"""Webhooks: events queued in the same transaction as the change, delivered by the worker to a
real HTTP receiver, signed as Standard Webhooks says, retried, paused after a day of failures;
never a name in a payload; never to a private address in production."""

import datetime
import http.server
import json
import threading
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as Verifier

from parcours.cases import services
from parcours.notify import outbox, webhooks
from parcours.notify.models import DeliveryAttempt, Kind, Message, Notification, Webhook
from parcours.privacy.audit import Actor
from parcours.reminders.remind import remind


class Receiver:
    """An HTTP server on the loopback that keeps what it receives and answers ``status``."""

    def __init__(self):
        self.received, self.status = [], 200
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(owner.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/events"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscribed(receiver, project, coordinator):
    hook, secret = webhooks.subscribe(
        Actor(coordinator),
        project,
        receiver.url,
        [e.value for e in webhooks.EventType],
        deadline_days=7,
    )
    return hook, secret


def test_an_admission_is_delivered_signed_and_without_a_name(subscribed, receiver, make_family):
    hook, secret = subscribed
    family = make_family("active")
    queued = Message.objects.filter(webhook=hook).order_by("created_at")
    assert [m.kind for m in queued] == ["family.referred", "family.admitted"]
    counts = outbox.deliver_due("w1")
    assert counts["sent"] == 2
    admitted = receiver.received[1]
    headers = {k.lower(): v for k, v in admitted["headers"].items()}
    payload = Verifier(secret).verify(admitted["body"], headers)  # raises when not signed right
    assert headers["webhook-signature"].startswith("v1,")
    assert payload["type"] == "family.admitted"
    assert payload["data"] == {
        "family_id": str(family.pk),
        "case_number": family.case_number,
        "project": "pt",
        "status": "active",
        "admitted_on": "2026-02-01",
    }
    text = b"".join(r["body"] for r in receiver.received).decode()
    for private in ("Amina", "Haddad", "Yusuf", "1985", "2015-07-01"):
        assert private not in text
    assert outbox.deliver_due("w2") == {"sent": 0, "dropped": 0, "retried": 0, "failed": 0}
    assert len(receiver.received) == 2


def test_the_secret_is_sealed_at_rest(subscribed):
    from django.db import connection

    _hook, secret = subscribed
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notify_webhook")
        (stored,) = cursor.fetchone()
    assert secret.startswith("whsec_") and secret not in stored


def test_a_rolled_back_change_sends_nothing(subscribed, make_family, coordinator):
    family = make_family("screening")
    Message.objects.all().delete()
    with pytest.raises(services.TransitionError):
        services.take_step(Actor(coordinator), family, "admit")  # no date: refused
    assert not Message.objects.exists()


def test_a_failing_receiver_is_retried_then_paused_and_its_owner_told(
    subscribed, receiver, make_family, coordinator, settings
):
    hook, _secret = subscribed
    receiver.status = 500
    make_family("referred")
    outbox.deliver_due("w1")
    message = Message.objects.get(webhook=hook)
    assert message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at - timezone.now() <= datetime.timedelta(minutes=1)
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code == 500 and not attempt.succeeded
    # A day later it is given up: the subscription pauses and its maker hears of it.
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=settings.PARCOURS_OUTBOX_RETRY_HOURS),
        next_attempt_at=timezone.now(),
    )
    outbox.deliver_due("w1")
    hook.refresh_from_db()
    assert hook.paused_at is not None
    assert Notification.objects.filter(recipient=coordinator, kind=Kind.DELIVERY_FAILED).exists()
    receiver.status = 200
    make_family("referred")
    assert not Message.objects.filter(webhook=hook, status="pending").exists()  # paused
    webhooks.resume(Actor(coordinator), hook)
    make_family("referred")
    assert outbox.deliver_due("w1")["sent"] == 1


def test_a_deadline_is_told_once_when_it_comes_within_the_days(
    subscribed, receiver, make_family, appeal_notified
):
    _hook, _secret = subscribed
    family = make_family("active")
    appeal_notified(family, datetime.date(2026, 3, 4))  # an appeal's deadline: 3 April
    Message.objects.all().delete()
    remind(datetime.date(2026, 3, 20))  # 14 days ahead: more than the subscription's 7
    assert not Message.objects.exists()
    remind(datetime.date(2026, 3, 28))
    remind(datetime.date(2026, 3, 29))
    (message,) = Message.objects.filter(kind="deadline.approaching")
    assert message.payload["data"]["deadline"] == "2026-04-03"
    assert message.payload["data"]["days"] == 6


def test_a_submitted_sheet_is_an_event(subscribed, make_family, case_manager):
    from parcours.instruments import services as sheets
    from tests.collect.conftest import filled

    family = make_family("active")
    Message.objects.all().delete()
    response = sheets.start(Actor(case_manager), family, "baseline")
    sheets.submit(Actor(case_manager), response, filled("baseline"), "en")
    (message,) = Message.objects.filter(kind="sheet.submitted")
    assert message.payload["data"]["sheet_id"] == str(response.pk)
    assert "Notes for" not in json.dumps(message.payload)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://hooks.example.org/x", "Only https://"),
        ("https://127.0.0.1/x", "loopback, private or link-local"),
        ("https://10.1.2.3/x", "loopback, private or link-local"),
        ("https://169.254.169.254/latest", "loopback, private or link-local"),
        ("https://[::1]/x", "loopback, private or link-local"),
        ("https://user:pw@example.org/x", "user name or password"),
        ("ftp://example.org/x", "Give an http"),
    ],
)
def test_production_refuses_private_and_plain_addresses(settings, url, refused):
    settings.PARCOURS_WEBHOOKS_LOCAL = False
    with pytest.raises(webhooks.AddressRefused, match=refused):
        webhooks.check_url(url)


def test_production_refuses_at_delivery_too(settings, subscribed, make_family):
    _hook, _secret = subscribed
    make_family("referred")
    settings.PARCOURS_WEBHOOKS_LOCAL = False
    outbox.deliver_due("w1")
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and "AddressRefused" in attempt.error


def test_a_delivery_connects_to_the_address_that_was_checked(receiver):
    """DNS rebinding: the name is resolved once, checked, and the connection pinned to that
    address; the name still goes in the Host header (and to TLS)."""
    port = receiver.server.server_port
    request = urllib.request.Request(f"http://hooks.invalid:{port}/events", data=b"{}")
    with webhooks.opener("127.0.0.1").open(request, timeout=5) as answer:
        assert answer.status == 200
    headers = {k.lower(): v for k, v in receiver.received[0]["headers"].items()}
    assert headers["host"] == f"hooks.invalid:{port}"
    # Without the pin the name itself is looked up, and this one does not exist.
    with pytest.raises(urllib.error.URLError):
        webhooks.opener(None).open(request, timeout=5)


def test_production_pins_the_checked_address(settings, monkeypatch):
    settings.PARCOURS_WEBHOOKS_LOCAL = False
    answers = iter([[(2, 1, 6, "", ("93.184.215.14", 443))]])
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: next(answers))
    assert webhooks.check_url("https://hooks.example.org/x") == "93.184.215.14"


def test_unsubscribing_drops_what_waits(subscribed, make_family, coordinator):
    hook, _secret = subscribed
    make_family("referred")
    webhooks.unsubscribe(Actor(coordinator), hook)
    assert not Webhook.objects.exists() and not Message.objects.filter(channel="webhook").exists()
