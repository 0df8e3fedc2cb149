"""Members' age bands for the day: worked out when a member is saved and by the daily run, and
counted by the cohort report only on their own day (a band changes with birthdays)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parcours.cases import ages, figures
from parcours.cases.choices import PersonRole
from parcours.cases.models import Person, ReckonedAge
from parcours.jobs.daily import enqueue_due
from parcours.jobs.models import Job, JobStatus
from tests.conftest import make_person

JUNE_15 = datetime.date(2026, 6, 15)


def _profile(login, coordinator, project):
    """The report's profile, signed in afresh (a moved clock ends the session)."""
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    return page.context["report"]["profile"]


def _move_clock(monkeypatch, day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def turning_18(make_family, clock):
    """A family whose son turns 18 on 20 June 2026, and a mother without a birth date."""
    return make_family(
        "active",
        members=[
            make_person(birth=None),
            make_person(PersonRole.CHILD, "Omar", birth="2008-06-20"),
        ],
    )


def test_saving_a_member_works_out_their_band_for_the_day(turning_18):
    bands = dict(ReckonedAge.objects.values_list("person__role", "band"))
    assert bands == {PersonRole.PARENT: "", PersonRole.CHILD: "12-17"}
    assert set(ReckonedAge.objects.values_list("on", flat=True)) == {JUNE_15}


def test_the_report_counts_the_bands_of_the_day(turning_18, coordinator, login, project):
    omar = Person.objects.get(role=PersonRole.CHILD)
    # The figures count the band stored for today, not what the birth date says:
    ReckonedAge.objects.filter(person=omar).update(band="60+")
    figures.refresh([omar.family_id], part="cases")
    profile = _profile(login, coordinator, project)
    assert profile["age_bands"] == {"60+": 1}
    assert (profile["adults"], profile["children"], profile["children_over_18"]) == (2, 1, 1)


def test_a_band_of_an_earlier_day_is_worked_out_again_from_the_birth_date(
    turning_18, coordinator, login, project, monkeypatch
):
    assert _profile(login, coordinator, project)["age_bands"] == {"12-17": 1}
    _move_clock(monkeypatch, datetime.date(2026, 6, 21))  # Omar is 18; no daily run yet
    profile = _profile(login, coordinator, project)
    assert profile["age_bands"] == {"18-24": 1}
    assert (profile["adults"], profile["children"], profile["children_over_18"]) == (2, 1, 1)
    # The daily run brings every band to the day, and the figures of the files whose members
    # changed band; the report reads the same from them.
    count, moved = ages.reckon()
    assert (count, moved) == (2, {turning_18.pk})
    assert figures.ages_to_the_day(moved) == 1
    assert set(ReckonedAge.objects.values_list("band", "on")) == {
        ("", datetime.date(2026, 6, 21)),
        ("18-24", datetime.date(2026, 6, 21)),
    }
    assert _profile(login, coordinator, project) == profile


def test_members_added_in_bulk_are_counted_from_their_birth_dates(
    turning_18, coordinator, login, project
):
    ReckonedAge.objects.all().delete()  # as an import or a pooled load leaves them
    profile = _profile(login, coordinator, project)
    assert profile["age_bands"] == {"12-17": 1}
    assert (profile["adults"], profile["children"], profile["children_over_18"]) == (1, 1, 0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_works_the_bands_out_every_day(turning_18, settings):
    assert settings.PARCOURS_DAILY["cases.ages"][:2] == ("parcours.cases.jobs.reckon_ages", "00:05")
    ReckonedAge.objects.all().delete()
    settings.LANGUAGE_CODE = "en"
    settings.PARCOURS_DAILY = {"cases.ages": settings.PARCOURS_DAILY["cases.ages"]}
    [job] = enqueue_due()
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.lines
    assert job.lines == ["2 member(s) given today's age band."]
    assert ReckonedAge.objects.filter(on=JUNE_15).count() == 2
    assert enqueue_due() == [] and Job.objects.count() == 1  # once a day
