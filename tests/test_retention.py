"""Retention: an ended file is erased once its project's period has passed, unless held;
the command is idempotent and audited; coordinators see what comes and hold a file."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours.cases.models import Family
from parcours.privacy.models import AuditEvent
from parcours.rights.models import Erasure, Hold


@pytest.fixture
def old_and_new(make_family, project):
    """A file closed six years ago (retention 5 years) and one closed last month."""
    old = make_family("closed")
    Family.objects.filter(pk=old.pk).update(closed_on=datetime.date(2020, 5, 1))
    new = make_family("closed")
    return Family.objects.get(pk=old.pk), new


def _run(*flags) -> str:
    out = io.StringIO()
    call_command("apply_retention", *flags, stdout=out)
    return out.getvalue()


def test_a_file_past_its_period_is_erased_once(old_and_new, clock):
    old, new = old_and_new
    listed = _run("--dry-run")
    assert f"{old.case_number} (pt): ended 2020-05-01, kept until 2025-05-01: would erase" in listed
    assert new.case_number not in listed and not Erasure.objects.exists()
    assert "1 file(s) erased." in _run()
    old.refresh_from_db()
    assert old.erased_at and old.members.first().given_name == ""
    assert Erasure.objects.get(family_id=old.pk).reason == "retention"
    assert AuditEvent.objects.filter(action="erase", family_id=old.pk, user=None).exists()
    assert "0 file(s) erased." in _run()  # idempotent
    assert Family.objects.get(pk=new.pk).erased_at is None


def test_a_held_file_stays_and_the_projects_period_counts(old_and_new, coordinator, login, clock):
    old, _new = old_and_new
    client = login(coordinator)
    page = client.get(reverse("rights:retention"))
    assert old.case_number in page.content.decode()
    client.post(
        reverse("rights:retention"), {"family": old.pk, "action": "hold", "reason": "appeal"}
    )
    assert Hold.objects.get(family=old).reason == "appeal"
    assert "0 file(s) erased." in _run()
    client.post(reverse("rights:retention"), {"family": old.pk, "action": "release"})
    old.project.retention_years = 10
    old.project.save()
    assert "0 file(s) erased." in _run()  # ten years now
    old.project.retention_years = 5
    old.project.save()
    assert "1 file(s) erased." in _run()


def test_a_hold_needs_a_reason(old_and_new, coordinator, login, clock):
    old, _new = old_and_new
    login(coordinator).post(reverse("rights:retention"), {"family": old.pk, "action": "hold"})
    assert not Hold.objects.exists()


@pytest.mark.parametrize("who", ["case_manager", "evaluator", "administrator"])
def test_only_coordinators_see_and_hold(request, who, old_and_new, login):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("rights:retention")).status_code == 404


def test_a_coordinator_elsewhere_cannot_hold_our_file(old_and_new, outsider, login):
    old, _new = old_and_new
    response = login(outsider).post(
        reverse("rights:retention"), {"family": old.pk, "action": "hold", "reason": "x"}
    )
    assert response.status_code == 404 and not Hold.objects.exists()
