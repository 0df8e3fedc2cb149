"""Mail through a real SMTP server (aiosmtpd): what arrives (recipient, language, headers, no
name or birth date of the family), a server that is down and comes back, a message given up
after its hours and the administrators told, and two workers that never send one twice."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from parcours.accounts.models import User
from parcours.notify import outbox
from parcours.notify.models import Kind, Message, MessageStatus, Notification
from parcours.reminders.remind import digests, remind
from tests.notify.conftest import text_of

DAY = datetime.date(2026, 4, 1)  # an appeal notified 4 March ends 3 April: two days ahead


@pytest.fixture
def urgent(make_family, addresses, appeal_notified):
    family = make_family("active")
    appeal_notified(family, datetime.date(2026, 3, 4))
    Message.objects.all().delete()
    remind(DAY)
    return family


def test_an_urgent_reminder_arrives_in_the_reader_s_language_without_a_name(urgent, smtp):
    counts = outbox.deliver_due("w1")
    assert counts["sent"] == 2  # the case manager and the coordinator
    by = {m["to"][0]: m["mail"] for m in smtp.inbox.mails}
    french, dutch = by["sara@example.org"], by["marie@example.org"]
    assert " ".join(str(french["Subject"]).split()) == (
        f"Parcours · {urgent.case_number} : le délai (Recours au CCE (30 jours)) expire le "
        "3 avril 2026, dans 2 jours."
    )
    assert "loopt af op 3 april 2026, over 2 dagen" in str(dutch["Subject"])
    assert french["List-Unsubscribe"] == "<https://parcours.example.org/account/notifications/>"
    assert french.get_content_type() == "multipart/alternative"
    text = text_of(french)
    assert "https://parcours.example.org/notifications/" in text
    for private in ("Haddad", "Amina", "Yusuf", "1985", "2015-07-01"):
        assert private not in text and private not in text_of(dutch)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 2


def test_a_server_down_is_tried_again_soon_and_the_mail_goes_when_it_is_back(urgent, smtp):
    smtp.stop()
    counts = outbox.deliver_due("w1")
    assert counts == {"sent": 0, "dropped": 0, "retried": 2, "failed": 0}
    waiting = Message.objects.filter(status=MessageStatus.PENDING)
    assert waiting.count() == 2
    for message in waiting:
        assert message.attempts == 1 and "Connection" in message.last_error
        assert message.next_attempt_at - timezone.now() <= datetime.timedelta(minutes=1)
    assert outbox.deliver_due("w1")["sent"] == 0  # not due again yet
    smtp.start()
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert outbox.deliver_due("w1", now=later)["sent"] == 2
    assert len(smtp.inbox.mails) == 2


def test_after_its_hours_a_message_is_failed_and_the_administrators_told(urgent, smtp, settings):
    admin = User.objects.create(
        username="root", is_staff=True, email="root@example.org", language="en"
    )
    smtp.stop()
    Message.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    counts = outbox.deliver_due("w1")
    assert counts["failed"] == 2
    told = Notification.objects.get(recipient=admin, kind=Kind.DELIVERY_FAILED)
    assert told.params == {"what": "email", "hours": settings.PARCOURS_OUTBOX_RETRY_HOURS}
    assert Notification.objects.filter(recipient=admin).count() == 1  # once a day


def test_a_lease_is_held_by_one_worker_until_it_ends(urgent):
    message = Message.objects.first()
    now = timezone.now()
    assert outbox.lease(message.pk, "w1", now)
    assert not outbox.lease(message.pk, "w2", now)
    # w1 was killed while sending: after its lease, another worker takes it up.
    assert outbox.lease(message.pk, "w2", now + outbox.LEASE + datetime.timedelta(seconds=1))


def test_a_message_for_a_file_no_longer_theirs_is_not_sent(urgent, smtp, colleague, coordinator):
    from parcours.cases.services import reassign
    from parcours.privacy.audit import Actor

    reassign(Actor(coordinator), urgent, [colleague])
    counts = outbox.deliver_due("w1")
    assert counts["dropped"] == 1
    to_her = [text_of(m["mail"]) for m in smtp.inbox.mails if m["to"] == ["sara@example.org"]]
    assert to_her and not any("délai" in text for text in to_her)  # only the hand-over


def test_the_digest_arrives_grouped_by_case_number(clock, make_family, addresses, smtp):
    family = make_family("active")
    Message.objects.all().delete()
    digests()
    outbox.deliver_due("w1")
    (arrived,) = [m["mail"] for m in smtp.inbox.mails if m["to"] == ["sara@example.org"]]
    assert str(arrived["Subject"]) == "Parcours · ce qui est à faire, 15 juin 2026"
    text = text_of(arrived)
    assert family.case_number in text and "pas de contact depuis le 1 février 2026" in text
    assert "Haddad" not in text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_mail_once(make_family, addresses, smtp):
    if connection.vendor == "sqlite":
        pytest.skip("two threads writing one in-memory SQLite database lock each other")
    for _ in range(6):
        make_family("active")
    assert Message.objects.count() == 6
    counts = []

    def work(name):
        counts.append(outbox.deliver_due(name))
        connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(c["sent"] for c in counts) == 6
    assert len(smtp.inbox.mails) == 6
