"""The day's reminders: legal deadlines 14, 7, 2 and 0 days ahead and the day after they were
missed (coordinators too, and mail at once, from two days before), reviews and actions that
became overdue, quiet files, unusual access; once per person, thing and day, however often the
run runs. `parcours remind` says what it queued, and with --dry-run queues nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from parcours.casework.models import Action
from parcours.legal.models import Procedure
from parcours.notify import services
from parcours.notify.models import Kind, Message, Notification
from parcours.privacy.audit import Actor
from parcours.reminders.remind import digests, remind

NOTIFIED = datetime.date(2026, 3, 4)
DEADLINE = datetime.date(2026, 4, 3)  # an appeal: 30 days from notification


@pytest.fixture
def appeal(make_family, appeal_notified):
    family = make_family("active")
    appeal_notified(family, NOTIFIED)
    Notification.objects.all().delete()
    Message.objects.all().delete()
    return family


def _deadlines(user):
    return list(
        Notification.objects.filter(recipient=user, kind=Kind.DEADLINE).order_by("created_at")
    )


@pytest.mark.parametrize(
    ("days", "coordinator_too"),
    [(14, False), (7, False), (2, True), (0, True), (-1, True)],
)
def test_a_deadline_is_told_on_its_days(
    appeal, addresses, case_manager, coordinator, days, coordinator_too
):
    remind(DEADLINE - datetime.timedelta(days=days))
    told = _deadlines(case_manager)
    assert [n.params["days"] for n in told] == [days]
    assert told[0].params["rule"]["fr"] and told[0].family == appeal
    assert bool(_deadlines(coordinator)) == coordinator_too


def test_between_reminder_days_nothing_new_and_a_day_without_a_run_is_caught_up(
    appeal, case_manager
):
    remind(DEADLINE - datetime.timedelta(days=15))  # before the first reminder day
    assert _deadlines(case_manager) == []
    remind(DEADLINE - datetime.timedelta(days=13))  # no run on the 14th: caught up
    remind(DEADLINE - datetime.timedelta(days=8))  # still the 14-day reminder
    remind(DEADLINE - datetime.timedelta(days=5))  # the 7-day one, two days late
    assert [n.params["days"] for n in _deadlines(case_manager)] == [13, 5]
    remind(DEADLINE + datetime.timedelta(days=4))  # missed too long ago to tell now
    assert len(_deadlines(case_manager)) == 2


def test_running_twice_a_day_tells_nothing_twice(appeal, addresses, case_manager):
    day = DEADLINE - datetime.timedelta(days=7)
    remind(day)
    remind(day)
    assert len(_deadlines(case_manager)) == 1
    assert Message.objects.filter(recipient=case_manager).count() == 1


def test_two_days_ahead_is_mailed_at_once_whatever_one_chose(appeal, addresses, case_manager):
    services.choose(case_manager, {Kind.DEADLINE: "app"})
    remind(DEADLINE - datetime.timedelta(days=7))
    assert not Message.objects.filter(recipient=case_manager).exists()  # her choice
    remind(DEADLINE - datetime.timedelta(days=2))
    assert Message.objects.filter(recipient=case_manager).count() == 1  # urgent


def test_a_project_chooses_its_reminder_days(appeal, case_manager, project):
    project.deadline_reminder_days = "10,1"
    project.save()
    remind(DEADLINE - datetime.timedelta(days=14))
    remind(DEADLINE - datetime.timedelta(days=10))
    remind(DEADLINE - datetime.timedelta(days=7))
    remind(DEADLINE - datetime.timedelta(days=1))
    assert [n.params["days"] for n in _deadlines(case_manager)] == [10, 1]


def test_overdue_reviews_and_actions_and_quiet_files(make_family, case_manager, colleague):
    family = make_family("active")  # admitted 1 February, reviewed every 12 weeks
    Action.objects.create(
        family=family,
        description="Call the lawyer",
        actor="case_manager",
        due_on=datetime.date(2026, 4, 20),
        created_by=case_manager,
    )
    Notification.objects.all().delete()
    remind(datetime.date(2026, 5, 1))
    told = {n.kind: n for n in Notification.objects.filter(recipient=case_manager)}
    assert set(told) == {Kind.REVIEW_OVERDUE, Kind.ACTION_OVERDUE, Kind.QUIET}
    assert told[Kind.ACTION_OVERDUE].params == {"date": "2026-04-20"}
    assert told[Kind.REVIEW_OVERDUE].params == {"date": "2026-04-26"}
    assert told[Kind.QUIET].params == {"since": "2026-02-01"}
    assert not Notification.objects.filter(recipient=colleague).exists()
    remind(datetime.date(2026, 5, 2))  # the next day: the same things, not told again
    assert Notification.objects.filter(recipient=case_manager).count() == 3


def test_someone_opening_many_files_in_an_hour_is_told_to_coordinators(
    make_family, case_manager, coordinator, settings, monkeypatch
):
    from django.utils import timezone

    from parcours.cases.services import record_view

    settings.PARCOURS_ACCESS_ALERT = 2
    families = [make_family("active") for _ in range(3)]
    Notification.objects.all().delete()
    yesterday = datetime.datetime(2026, 6, 14, 9, 10, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: yesterday)
    for family in families:
        record_view(Actor(case_manager), family)
    monkeypatch.undo()
    remind(datetime.date(2026, 6, 15))
    alert = Notification.objects.get(recipient=coordinator, kind=Kind.ACCESS_ALERT)
    assert alert.params["who"] == "sara" and alert.params["pattern"] == "busy"
    assert not Notification.objects.filter(recipient=case_manager, kind=Kind.ACCESS_ALERT)


def test_the_command_says_what_it_queued_and_a_dry_run_queues_nothing(
    clock, make_family, addresses, appeal_notified
):
    family = make_family("active")
    appeal_notified(family, datetime.date(2026, 5, 18))  # + 30 days: 17 June, two days ahead
    Notification.objects.all().delete()
    Message.objects.all().delete()
    out = io.StringIO()
    call_command("remind", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "would be queued" in printed
    assert f"sara: {family.case_number} deadline" in printed
    assert f"marie: {family.case_number} deadline" in printed  # two days: the coordinator too
    assert "digest for sara" in printed
    assert not Notification.objects.exists() and not Message.objects.exists()
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert "would" not in out.getvalue()
    assert Notification.objects.filter(kind=Kind.DEADLINE).count() == 2
    again = io.StringIO()
    call_command("remind", stdout=again)
    assert again.getvalue().startswith("0 notification(s) queued, 0 e-mail(s) at once, 0 digest")


def test_a_digest_is_queued_once_a_day_with_what_is_due(clock, appeal, addresses, case_manager):
    Procedure.objects.filter(family=appeal).update(notified_on=datetime.date(2026, 5, 20))
    first = digests()
    assert first == {"sara": 3}  # the deadline (19 June), the review due, the quiet file
    assert digests() == {}
    payload = Message.objects.get(kind="digest", recipient=case_manager).payload
    assert {i["case"] for i in payload["items"]} == {appeal.case_number}
    assert "Haddad" not in str(payload)
