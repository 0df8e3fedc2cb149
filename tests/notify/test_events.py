"""What people are told, in Parcours (the bell) and by e-mail through the outbox: assignment,
hand-over, cover, a sheet corrected by someone else, background work ended; each only to whom
may see the file now, in the reader's language, never with a name."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services as cases
from parcours.instruments.models import Response
from parcours.jobs.models import Job, JobStatus
from parcours.jobs.services import _end
from parcours.notify import services
from parcours.notify.models import Kind, Message, Notification
from parcours.privacy.audit import Actor


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_admission_tells_the_case_managers_and_queues_their_mail(addresses, make_family):
    case_manager, _colleague, _coordinator = addresses
    family = make_family("active")
    told = Notification.objects.get(recipient=case_manager, kind=Kind.ASSIGNED)
    assert told.case_number == family.case_number and told.family == family
    assert Message.objects.filter(notification=told, recipient=case_manager).count() == 1


def test_a_hand_over_tells_both_sides_but_not_who_did_it(
    addresses, make_family, coordinator, login
):
    case_manager, colleague, _ = addresses
    family = make_family("active")
    Notification.objects.all().delete()
    cases.reassign(Actor(coordinator), family, [colleague])
    assert _kinds(colleague) == [Kind.ASSIGNED]
    away = Notification.objects.get(recipient=case_manager)
    # She no longer sees the file: told by its case number, with nothing to open.
    assert (away.kind, away.family, away.case_number) == (
        Kind.HANDED_OVER,
        None,
        family.case_number,
    )
    assert not Notification.objects.filter(recipient=coordinator).exists()
    page = login(case_manager, "fr").get(reverse("notify:list")).content.decode()
    assert f"{family.case_number} a été confié à un autre gestionnaire de cas." in page
    assert "Haddad" not in page


def test_cover_given_and_ended_is_told_to_the_colleague(addresses, make_family, coordinator):
    from parcours.cases.models import Cover

    _cm, colleague, _ = addresses
    family = make_family("active")
    cover = cases.give_cover(
        Actor(coordinator),
        Cover(
            family=family,
            user=colleague,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + datetime.timedelta(days=10),
        ),
    )
    cases.end_cover(Actor(coordinator), cover)
    states = [n.params["state"] for n in Notification.objects.filter(recipient=colleague)]
    assert sorted(states) == ["ended", "given"]


def test_a_sheet_corrected_by_someone_else_is_told_to_its_author(
    make_family, case_manager, coordinator, login
):
    from tests.instruments.test_sheets import _baseline, _start, _url

    family = make_family("active")
    author = login(case_manager)
    sheet = _start(author, family)
    author.post(_url(sheet), {**_baseline(), "action": "submit"})
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    boss = login(coordinator)
    boss.post(reverse("instruments:correct", args=[family.pk, sheet.pk]), {"reason": "typo"})
    correction = Response.objects.get(supersedes=sheet)
    boss.post(_url(correction), {**_baseline(b01_dropout_risk="6"), "action": "submit"})
    told = Notification.objects.get(recipient=case_manager, kind=Kind.SHEET_CORRECTED)
    assert told.params["instrument"] == "baseline"
    assert not Notification.objects.filter(recipient=coordinator, kind=Kind.SHEET_CORRECTED)


def test_ended_work_is_told_in_the_reader_s_language_not_the_asker_s(case_manager, project, login):
    job = Job.objects.create(
        kind="reports.report",
        title="Cohortrapport",
        requested_by=case_manager,
        project=project,
        exclusive_key="k",
        language="nl",
        status=JobStatus.RUNNING,
    )
    _end(job, JobStatus.FAILED, ["kapot"])
    page = login(case_manager, "fr").get(reverse("notify:list")).content.decode()
    assert "Le fichier du rapport a échoué : ouvrez-le pour voir pourquoi." in page
    told = Notification.objects.get(recipient=case_manager)
    assert told.link == reverse("jobs:job", args=[job.pk])


def test_the_bell_counts_unread_and_opening_one_marks_it_read(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    page = client.get(reverse("cases:caseload")).content.decode()
    assert 'data-testid="bell"' in page and '<span class="badge">1</span>' in page
    told = Notification.objects.get(recipient=case_manager)
    opened = client.get(reverse("notify:open", args=[told.pk]))
    assert opened.url == family.get_absolute_url()
    told.refresh_from_db()
    assert told.read_at is not None
    assert 'class="badge"' not in client.get(reverse("cases:caseload")).content.decode()


def test_mark_all_read(make_family, case_manager, login):
    make_family("active")
    make_family("active")
    client = login(case_manager)
    client.post(reverse("notify:read_all"))
    assert services.unread_count(case_manager) == 0


def test_a_file_no_longer_yours_hides_its_notifications_and_is_404(
    make_family, case_manager, colleague, coordinator, login
):
    family = make_family("active")
    told = Notification.objects.get(recipient=case_manager, family=family)
    cases.reassign(Actor(coordinator), family, [colleague])
    client = login(case_manager)
    assert client.get(reverse("notify:open", args=[told.pk])).status_code == 404
    listed = client.get(reverse("notify:list")).context["rows"]
    assert told.pk not in [row["n"].pk for row in listed]
    # Someone else's notification is 404 too.
    theirs = Notification.objects.filter(recipient=colleague).first()
    assert client.get(reverse("notify:open", args=[theirs.pk])).status_code == 404


def test_a_person_who_may_not_see_the_file_is_never_told(make_family, outsider):
    family = make_family("active")
    told = services.notify(Kind.QUIET, [outsider], family=family, params={"since": "2026-01-01"})
    assert told == []


def test_choices_decide_the_channel_and_project_defaults_stand_in(
    addresses, make_family, coordinator, project, login
):
    case_manager, colleague, _ = addresses
    client = login(case_manager)
    form = client.get(reverse("notify:preferences")).context["form"]
    assert Kind.ACCESS_ALERT not in form.fields  # a coordinator's kind
    data = {kind: field.initial for kind, field in form.fields.items()}
    client.post(reverse("notify:preferences"), {**data, Kind.ASSIGNED: "app"})
    boss = login(coordinator)
    defaults = boss.get(reverse("notify:project_defaults", args=[project.slug])).context["form"]
    values = {kind: field.initial for kind, field in defaults.fields.items()}
    boss.post(
        reverse("notify:project_defaults", args=[project.slug]),
        {**values, Kind.ASSIGNED: "digest"},
    )
    make_family("active")
    make_family("active", by=colleague)
    assert not Message.objects.filter(recipient=case_manager).exists()  # her own choice
    assert not Message.objects.filter(recipient=colleague).exists()  # the project's default
    assert Notification.objects.filter(recipient=colleague, kind=Kind.ASSIGNED).exists()


def test_project_defaults_are_a_coordinator_s(case_manager, project, login):
    url = reverse("notify:project_defaults", args=[project.slug])
    assert login(case_manager).get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_is_queued(addresses, make_family, smtp):
    make_family("active")
    call_command("worker", batch=True, verbosity=0)
    assert [m["to"] for m in smtp.inbox.mails] == [["sara@example.org"]]
    assert Message.objects.get().status == "sent"


def test_notifications_are_kept_ninety_days(make_family, case_manager, settings):
    make_family("active")
    told = Notification.objects.get(recipient=case_manager)
    Notification.objects.filter(pk=told.pk).update(
        created_at=timezone.now()
        - datetime.timedelta(days=settings.PARCOURS_NOTIFICATION_KEEP_DAYS + 1)
    )
    make_family("active")
    services.prune()
    assert list(Notification.objects.values_list("pk", flat=True)) != [told.pk]
    assert Notification.objects.filter(recipient=case_manager).count() == 1


def test_a_wrong_mail_address_setting_is_said_at_start_up(settings):
    from parcours.notify.checks import mail_settings

    settings.PARCOURS_EMAIL_URL = "smpt://relay:25"
    assert [e.id for e in mail_settings(None)] == ["parcours.E020"]
    settings.PARCOURS_EMAIL_URL = "smtp+tls://user:secret@relay:587"
    assert mail_settings(None) == []


def test_a_notification_opens_only_a_path_of_this_site(make_family, case_manager, login):
    make_family("active")
    told = Notification.objects.get(recipient=case_manager)
    Notification.objects.filter(pk=told.pk).update(link="//elsewhere.example/phish")
    opened = login(case_manager).get(reverse("notify:open", args=[told.pk]))
    assert opened.url == reverse("notify:list")
