"""Flags: anyone who may see a file flags it with one of the project's reasons; the flag shows
on the file and the case list, filters the list, ends on its last day or when removed with a
reason; every step is audited, the case managers and coordinators are told, nobody else sees
anything."""

import datetime

from django.urls import reverse
from django.utils import timezone

from parcours.cases import services
from parcours.cases.lifecycle import TransitionError
from parcours.cases.models import Flag
from parcours.notify.models import Kind, Message, Notification
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditEvent
from parcours.projects.models import FlagReason


def _reason(project, code="safeguarding"):
    return project.flag_reasons.get(code=code)


def _flag(family, by, code="safeguarding", **fields):
    return services.raise_flag(Actor(by), family, _reason(family.project, code), **fields)


def test_a_new_project_offers_the_four_default_reasons_in_three_languages(project):
    reasons = list(project.flag_reasons.order_by("position"))
    assert [r.code for r in reasons] == [
        "safeguarding",
        "medical",
        "losing_contact",
        "legal_emergency",
    ]
    assert reasons[0].label_fr == "Préoccupation de protection"
    assert all(r.label_nl and r.label_fr and r.label_en for r in reasons)


def test_a_case_manager_flags_their_file_and_everyone_on_it_is_told_the_reason_not_the_note(
    make_family, case_manager, coordinator, login
):
    family = make_family("active")
    client = login(case_manager)
    response = client.post(
        reverse("cases:flag_create", args=[family.pk]),
        {"reason": _reason(family.project).pk, "note": "Afraid to go home", "ends_on": ""},
    )
    assert response.status_code == 302
    flag = Flag.objects.get(family=family)
    assert (flag.raised_by, flag.note, flag.ends_on) == (case_manager, "Afraid to go home", None)
    assert AuditEvent.objects.filter(
        user=case_manager, action="create", object_type="cases.flag", family_id=family.pk
    ).exists()
    told = Notification.objects.get(kind=Kind.FLAGGED)
    assert told.recipient == coordinator  # not the one who raised it
    assert "Afraid" not in str(told.params)
    page = client.get(family.get_absolute_url()).content.decode()
    assert "Safeguarding concern" in page and "Afraid to go home" in page


def test_the_flag_form_names_the_field_of_each_mistake_and_saves_nothing(
    make_family, case_manager, login, clock
):
    family = make_family("active")
    client = login(case_manager)
    url = reverse("cases:flag_create", args=[family.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"reason": _reason(family.project).pk, "ends_on": yesterday})
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["A flag cannot end before today."]
    response = client.post(url, {"note": "no reason given"})
    assert "reason" in response.context["form"].errors
    assert not Flag.objects.exists()


def test_a_reason_of_another_project_is_refused(make_family, case_manager, other_project, login):
    family = make_family("active")
    elsewhere = _reason(other_project)
    response = login(case_manager).post(
        reverse("cases:flag_create", args=[family.pk]), {"reason": elsewhere.pk}
    )
    assert "reason" in response.context["form"].errors
    try:
        services.raise_flag(Actor(case_manager), family, elsewhere)
    except TransitionError:
        pass
    else:
        raise AssertionError("a reason of another project was taken")
    assert not Flag.objects.exists()


def test_one_open_flag_per_reason(make_family, case_manager, login):
    family = make_family("active")
    _flag(family, case_manager)
    response = login(case_manager).post(
        reverse("cases:flag_create", args=[family.pk]), {"reason": _reason(family.project).pk}
    )
    assert response.context["form"].errors["reason"] == [
        "The file is already flagged for this reason."
    ]
    _flag(family, case_manager, "medical")  # another reason is fine
    assert Flag.objects.filter(family=family).count() == 2


def test_removing_a_flag_needs_a_reason_and_keeps_it_in_the_history(
    make_family, case_manager, coordinator, login
):
    family = make_family("active")
    flag = _flag(family, case_manager, note="at school")
    client = login(coordinator)
    url = reverse("cases:flag_remove", args=[family.pk, flag.pk])
    response = client.post(url, {"why": "  "})
    assert "why" in response.context["form"].errors
    flag.refresh_from_db()
    assert flag.removed_at is None
    assert client.post(url, {"why": "Talked with the school"}).status_code == 302
    flag.refresh_from_db()
    assert (flag.removed_by, flag.removal_reason) == (coordinator, "Talked with the school")
    assert AuditEvent.objects.filter(
        user=coordinator, action="update", object_type="cases.flag", family_id=family.pk
    ).exists()
    page = client.get(family.get_absolute_url())
    assert page.context["flags"] == []
    assert page.context["earlier_flags"] == [flag]
    assert "Talked with the school" in page.content.decode()
    # removed twice: nothing changes
    again = client.post(url, {"why": "again"})
    assert again.status_code == 302
    flag.refresh_from_db()
    assert flag.removal_reason == "Talked with the school"


def test_a_flag_shows_until_its_last_day_and_not_after(make_family, case_manager, clock):
    family = make_family("active")
    today = timezone.localdate()
    flag = _flag(family, case_manager, ends_on=today)
    assert list(Flag.objects.current()) == [flag]
    assert list(Flag.objects.current(today + datetime.timedelta(days=1))) == []


def test_flags_show_on_the_list_and_filter_it(make_family, case_manager, login):
    flagged = make_family("active")
    other = make_family("active")
    _flag(flagged, case_manager, "medical")
    client = login(case_manager)
    everything = client.get(reverse("cases:list"))
    rows = {row.url: row.flags for row in everything.context["rows"]}
    assert rows[flagged.get_absolute_url()] == ["Medical urgency"]
    assert rows[other.get_absolute_url()] == []
    assert "Medical urgency" in everything.content.decode()
    for value in ("any", "medical"):
        shown = client.get(reverse("cases:list"), {"flag": value}).context["rows"]
        assert [row.url for row in shown] == [flagged.get_absolute_url()]
    assert client.get(reverse("cases:list"), {"flag": "safeguarding"}).context["rows"] == []


def test_the_list_names_flags_in_the_readers_language_or_english(make_family, case_manager, login):
    family = make_family("active")
    _flag(family, case_manager, "medical")
    _flag(family, case_manager, "safeguarding")
    FlagReason.objects.filter(project=family.project, code="safeguarding").update(label_nl="")
    for language, expected in (
        ("fr", ["Préoccupation de protection", _reason(family.project, "medical").label_fr]),
        ("nl", ["Safeguarding concern", _reason(family.project, "medical").label_nl]),
    ):
        rows = login(case_manager, language).get(reverse("cases:list")).context["rows"]
        assert rows[0].flags == expected


def test_the_list_shows_the_flags_that_show_today_as_the_file_does(
    make_family, case_manager, login
):
    """The table reads its flags by plain SQL (parcours.cases.listing): the same rule as
    ``Flag.objects.current``, on its last day, the day after, and once removed."""
    family = make_family("active")
    today = timezone.localdate()
    _flag(family, case_manager, "medical", ends_on=today)
    ended = _flag(family, case_manager, "legal_emergency")
    Flag.objects.filter(pk=ended.pk).update(ends_on=today - datetime.timedelta(days=1))
    services.remove_flag(Actor(case_manager), _flag(family, case_manager), "resolved")
    rows = login(case_manager, "en").get(reverse("cases:list")).context["rows"]
    assert rows[0].flags == ["Medical urgency"]
    assert [f.reason.code for f in Flag.objects.current().filter(family=family)] == ["medical"]


def test_a_removed_flag_no_longer_filters_the_list(make_family, case_manager, login):
    family = make_family("active")
    services.remove_flag(Actor(case_manager), _flag(family, case_manager), "resolved")
    assert login(case_manager).get(reverse("cases:list"), {"flag": "any"}).context["rows"] == []


def test_who_may_not_see_the_file_cannot_flag_it_nor_remove_its_flags(
    make_family, case_manager, colleague, evaluator, outsider, login
):
    family = make_family("active")
    flag = _flag(family, case_manager)
    for user in (colleague, evaluator, outsider):
        client = login(user)
        raised = client.post(
            reverse("cases:flag_create", args=[family.pk]), {"reason": flag.reason_id}
        )
        removed = client.post(
            reverse("cases:flag_remove", args=[family.pk, flag.pk]), {"why": "not mine"}
        )
        assert (raised.status_code, removed.status_code) == (404, 404)
    assert Flag.objects.count() == 1
    flag.refresh_from_db()
    assert flag.removed_at is None


def test_a_flag_of_another_file_is_not_found_through_this_one(make_family, case_manager, login):
    family, other = make_family("active"), make_family("active")
    flag = _flag(other, case_manager)
    response = login(case_manager).post(
        reverse("cases:flag_remove", args=[family.pk, flag.pk]), {"why": "wrong file"}
    )
    assert response.status_code == 404


def test_a_webhook_hears_of_a_flag_by_its_code_without_the_note(make_family, case_manager):
    from parcours.notify.models import Webhook

    family = make_family("active")
    Webhook.objects.create(
        project=family.project,
        url="https://example.org/hook",
        events=["family.flagged", "family.flag_removed"],
        secret="whsec_" + "A" * 44,
        created_by=case_manager,
    )
    flag = _flag(family, case_manager, note="very private")
    services.remove_flag(Actor(case_manager), flag, "done")
    bodies = [
        m.payload for m in Message.objects.filter(webhook__isnull=False).order_by("created_at")
    ]
    assert [b["type"] for b in bodies] == ["family.flagged", "family.flag_removed"]
    assert bodies[0]["data"]["reason"] == "safeguarding"
    assert "very private" not in str(bodies) and "done" not in str(bodies)
