"""A coordinator hands a file to other case managers or gives a colleague temporary cover:
the new one sees the file, the one who left it no longer does, cover ends on its last day,
and the history and the audit trail keep every change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases.models import AssignmentChange, Cover
from parcours.privacy.models import AuditEvent


def _url(family):
    return reverse("cases:assignment", args=[family.pk])


def test_a_handover_moves_who_sees_the_file(
    make_family, coordinator, case_manager, colleague, login
):
    family = make_family("active")
    assert login(colleague).get(family.get_absolute_url()).status_code == 404
    response = login(coordinator).post(
        _url(family), {"action": "reassign", "case_managers": [colleague.pk], "note": "leave"}
    )
    assert response.status_code == 302
    assert login(colleague).get(family.get_absolute_url()).status_code == 200
    assert login(case_manager).get(family.get_absolute_url()).status_code == 404
    kinds = {(a.user, a.kind) for a in AssignmentChange.objects.filter(family=family)}
    assert {(colleague, "assigned"), (case_manager, "removed"), (case_manager, "assigned")} <= kinds
    assert AuditEvent.objects.filter(
        user=coordinator, action="update", family_id=family.pk, page="cases:assignment"
    ).exists()


def test_cover_lets_a_colleague_in_until_its_last_day(
    make_family, coordinator, colleague, login, clock
):
    family = make_family("active")
    today = timezone.localdate()
    response = login(coordinator).post(
        _url(family),
        {
            "action": "cover",
            "user": colleague.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
            "reason": "holidays",
        },
    )
    assert response.status_code == 302
    assert login(colleague).get(family.get_absolute_url()).status_code == 200
    cover = Cover.objects.get(family=family)
    Cover.objects.filter(pk=cover.pk).update(ends_on=today - datetime.timedelta(days=1))
    assert login(colleague).get(family.get_absolute_url()).status_code == 404
    Cover.objects.filter(pk=cover.pk).update(ends_on=today)
    assert login(colleague).get(family.get_absolute_url()).status_code == 200
    ended = login(coordinator).post(_url(family), {"action": "end_cover", "cover": cover.pk})
    assert ended.status_code == 302
    assert login(colleague).get(family.get_absolute_url()).status_code == 404
    assert AssignmentChange.objects.filter(family=family, kind="cover_ended").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ends_on": "2026-06-01"}, "ends_on"),  # in the past (today is 15 June 2026)
        ({"starts_on": "2026-07-01", "ends_on": "2026-06-20"}, "ends_on"),
        ({"ends_on": "2028-01-01"}, "ends_on"),  # longer than a year
        ({"user": ""}, "user"),
    ],
)
def test_bad_cover_names_the_field_and_changes_nothing(
    make_family, coordinator, colleague, login, clock, data, field
):
    family = make_family("active")
    posted = {
        "action": "cover",
        "user": colleague.pk,
        "starts_on": "2026-06-15",
        "ends_on": "2026-06-30",
        **data,
    }
    response = login(coordinator).post(_url(family), posted)
    assert response.status_code == 200 and field in response.context["cover"].errors
    assert not Cover.objects.exists()


def test_a_handover_to_three_or_none_is_refused(make_family, coordinator, colleague, login):
    family = make_family("active")
    response = login(coordinator).post(_url(family), {"action": "reassign", "case_managers": []})
    assert "case_managers" in response.context["reassign"].errors
    assert list(family.case_managers.all())  # unchanged


@pytest.mark.parametrize(
    "who", ["case_manager", "colleague", "evaluator", "outsider", "administrator"]
)
def test_only_the_projects_coordinators_hand_over(request, who, make_family, colleague, login):
    family = make_family("active")
    client = login(request.getfixturevalue(who))
    assert client.get(_url(family)).status_code == 404
    client.post(_url(family), {"action": "reassign", "case_managers": [colleague.pk]})
    assert colleague not in family.case_managers.all()
