"""Who has seen this file: coordinators and the family's own case managers read it, filtered
by person and period; a burst of openings and openings by others are flagged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction, AuditEvent


def _url(family):
    return reverse("cases:audit", args=[family.pk])


def test_the_case_manager_sees_who_else_opened_the_file(
    make_family, case_manager, coordinator, login
):
    family = make_family("active")
    login(coordinator).get(family.get_absolute_url())
    page = login(case_manager).get(_url(family))
    assert page.status_code == 200
    rows = page.context["rows"]
    theirs = [r for r in rows if r["event"].user == coordinator]
    assert theirs and str(theirs[0]["page"]) == "family page"
    assert "not the family's case manager" in [str(f) for f in theirs[0]["flags"]]
    ours = [r for r in rows if r["event"].user == case_manager and r["event"].action == "view"]
    assert ours and not ours[0]["flags"]
    assert "Address" not in page.content.decode()  # addresses are for coordinators


@pytest.mark.parametrize("who", ["colleague", "evaluator", "outsider", "administrator"])
def test_others_get_404(request, who, make_family, login):
    family = make_family("active")
    assert login(request.getfixturevalue(who)).get(_url(family)).status_code == 404


def test_a_coordinator_filters_by_person_and_period(make_family, coordinator, case_manager, login):
    family = make_family("active")
    client = login(coordinator)
    client.get(family.get_absolute_url())
    only_sara = client.get(_url(family), {"person": case_manager.pk}).context["rows"]
    assert only_sara and {r["event"].user for r in only_sara} == {case_manager}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert client.get(_url(family), {"start": tomorrow}).context["rows"] == []
    assert "Address" in client.get(_url(family)).content.decode()


def test_many_files_opened_in_an_hour_are_flagged(
    make_family, coordinator, case_manager, login, settings
):
    settings.PARCOURS_ACCESS_ALERT = 3
    families = [make_family("active") for _ in range(5)]
    for family in families:  # a burst: five files in a few seconds
        record(Actor(coordinator), AuditAction.VIEW, family)
    rows = login(case_manager).get(_url(families[0])).context["rows"]
    burst = [r for r in rows if r["event"].user == coordinator and r["event"].action == "view"]
    assert any("more than 3 files in that hour" in str(f) for f in burst[0]["flags"])
    settings.PARCOURS_ACCESS_ALERT = 10
    rows = login(case_manager).get(_url(families[0])).context["rows"]
    calm = [r for r in rows if r["event"].user == coordinator and r["event"].action == "view"]
    assert not any("files in that hour" in str(f) for f in calm[0]["flags"])
    assert AuditEvent.objects.filter(family_id=families[0].pk, page="cases:audit").exists()
