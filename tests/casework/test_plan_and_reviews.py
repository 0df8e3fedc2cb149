"""The action plan and the review schedule (paused time does not count)."""

import datetime

import pytest
from django.urls import reverse

from parcours.cases import services as case_services
from parcours.cases.models import StatusChange
from parcours.casework.models import Action, Review
from parcours.casework.schedule import next_review_due, paused_days
from parcours.privacy.audit import Actor


def test_an_action_for_a_child_is_added_and_marked_done(make_family, case_manager, login):
    family = make_family("active")
    child = next(p for p in family.members.all() if p.role == "child")
    client = login(case_manager)
    client.post(
        reverse("casework:action_create", args=[family.pk]),
        {
            "description": "Enrol Yusuf in the summer school",
            "actor": "case_manager",
            "concerns": child.pk,
            "due_on": "2026-07-01",
        },
    )
    action = Action.objects.get()
    assert (action.concerns, action.status, action.created_by) == (child, "open", case_manager)
    # The family page names whom it concerns, taken from the members it has read.
    page = client.get(family.get_absolute_url()).content.decode()
    assert f"concerns {child.given_name}" in page
    response = client.post(
        reverse("casework:action_done", args=[family.pk, action.pk]), HTTP_HX_REQUEST="true"
    )
    assert "No open action." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None


def test_an_action_cannot_concern_someone_outside_the_family(make_family, case_manager, login):
    family, other = make_family("active"), make_family("active")
    response = login(case_manager).post(
        reverse("casework:action_create", args=[family.pk]),
        {
            "description": "x",
            "actor": "family",
            "concerns": other.household[0].pk,
        },
    )
    assert "concerns" in response.context["form"].errors
    assert not Action.objects.exists()


def test_dropping_an_action_needs_an_outcome(make_family, case_manager, login):
    family = make_family("active")
    action = Action.objects.create(
        family=family, description="x", actor="family", created_by=case_manager
    )
    response = login(case_manager).post(
        reverse("casework:action_edit", args=[family.pk, action.pk]),
        {"description": "x", "actor": "family", "status": "dropped", "outcome": ""},
    )
    assert "outcome" in response.context["form"].errors
    assert Action.objects.get(pk=action.pk).status == "open"


def test_a_referral_under_screening_has_no_plan_yet(make_family, case_manager, login):
    family = make_family("screening")
    response = login(case_manager).post(
        reverse("casework:action_create", args=[family.pk]), {"description": "x", "actor": "family"}
    )
    assert "Only an admitted family has actions." in response.content.decode()
    assert not Action.objects.exists()


def test_the_next_review_falls_due_after_the_interval(clock, make_family, case_manager, login):
    family = make_family("active")  # admitted 1 February 2026, interval 12 weeks
    page = login(case_manager).get(family.get_absolute_url())
    assert page.context["next_review"] == datetime.date(2026, 4, 26)
    Review.objects.create(
        family=family, held_on=datetime.date(2026, 4, 20), progress="ok", author=case_manager
    )
    page = login(case_manager).get(family.get_absolute_url())
    assert page.context["next_review"] == datetime.date(2026, 7, 13)


def _at(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def test_paused_days_move_the_review_later(make_family, case_manager):
    family = make_family("active")
    actor = Actor(case_manager)
    case_services.take_step(actor, family, "pause", reason="time")
    case_services.take_step(actor, family, "resume")
    pause, resume = family.status_changes.order_by("at")[3:5]
    StatusChange.objects.filter(pk=pause.pk).update(at=_at(datetime.date(2026, 3, 1)))
    StatusChange.objects.filter(pk=resume.pk).update(at=_at(datetime.date(2026, 3, 21)))
    changes = list(family.status_changes.all())
    assert paused_days(changes, datetime.date(2026, 2, 1), datetime.date(2026, 6, 1)) == 20
    family.refresh_from_db()
    due = next_review_due(family, None, changes, datetime.date(2026, 6, 1))
    assert due == datetime.date(2026, 4, 26) + datetime.timedelta(days=20)


def test_a_paused_case_has_no_review_due(make_family):
    family = make_family("paused")
    assert (
        next_review_due(family, None, family.status_changes.all(), datetime.date(2030, 1, 1))
        is None
    )


@pytest.mark.parametrize(
    ("held_on", "message"),
    [("2999-01-01", "in the future"), ("2026-01-15", "before the admission")],
)
def test_a_review_with_a_bad_date_is_refused(make_family, case_manager, login, held_on, message):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("casework:review_create", args=[family.pk]), {"held_on": held_on, "progress": "ok"}
    )
    assert message in " ".join(response.context["form"].errors["held_on"])
    assert not Review.objects.exists()


def test_a_review_links_the_baseline_scored_again(make_family, case_manager, login):
    from parcours.instruments.models import Response

    family, other = make_family("active"), make_family("active")
    client = login(case_manager)
    for f in (family, other):
        client.post(reverse("instruments:start", args=[f.pk, "baseline"]))
    mine = Response.objects.get(family=family)
    theirs = Response.objects.get(family=other)
    Response.objects.update(status="submitted", submitted_at="2026-03-01T10:00:00Z")
    url = reverse("casework:review_create", args=[family.pk])
    response = client.post(url, {"held_on": "2026-04-01", "progress": "ok", "baseline": theirs.pk})
    assert "baseline" in response.context["form"].errors  # not this family's
    client.post(url, {"held_on": "2026-04-01", "progress": "ok", "baseline": mine.pk})
    assert Review.objects.get().baseline == mine
