"""Approvals: where the project asks for them, a case manager asks a coordinator to approve a
closure or the case plan; the coordinator approves or returns it with a comment; a closure
takes effect only when approved; one request open per thing; audited and told."""

import datetime

import pytest
from django.urls import reverse

from parcours.cases import approvals
from parcours.cases.lifecycle import TransitionError
from parcours.cases.models import Approval
from parcours.casework import services as casework
from parcours.casework.models import CasePlan
from parcours.notify.models import Kind, Notification
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditEvent

CLOSURE = {
    "closed_on": "2026-05-02",
    "resolution": "stay_permanent",
    "engagement_at_closure": "remained_engaged",
    "reason": "Residence permit received",
}


@pytest.fixture
def approving(project):
    project.approvals = True
    project.save(update_fields=["approvals"])
    return project


def _ask_closure(client, family, **changes):
    return client.post(
        reverse("cases:approval_request", args=[family.pk, "closure"]), {**CLOSURE, **changes}
    )


def _decide(client, approval, decision, comment=""):
    return client.post(
        reverse("cases:approval_decide", args=[approval.family_id, approval.pk]),
        {"decision": decision, "comment": comment},
    )


def test_a_closure_waits_for_the_coordinator_and_takes_effect_when_approved(
    approving, make_family, case_manager, coordinator, login
):
    family = make_family("active")
    sara = login(case_manager)
    page = sara.get(family.get_absolute_url())
    assert page.context["may_ask_closure"]
    assert _ask_closure(sara, family).status_code == 302
    family.refresh_from_db()
    assert family.status == "active"  # not yet
    approval = Approval.objects.get(family=family)
    assert approval.note == "Residence permit received"
    assert approval.details["resolution"] == "stay_permanent"
    assert Notification.objects.filter(recipient=coordinator, kind=Kind.APPROVAL).exists()
    assert "Residence permit" not in str(Notification.objects.values_list("params"))
    assert not sara.get(family.get_absolute_url()).context["may_ask_closure"]  # one open

    marie = login(coordinator)
    waiting = marie.get(reverse("cases:approvals"))
    assert [a.pk for a in waiting.context["waiting"]] == [approval.pk]
    assert "1 request waits for your approval" in marie.get(reverse("cases:list")).content.decode()
    assert _decide(marie, approval, "approved").status_code == 302
    family.refresh_from_db()
    assert (family.status, family.closed_on, family.resolution) == (
        "closed",
        datetime.date(2026, 5, 2),
        "stay_permanent",
    )
    change = family.status_changes.order_by("-at").first()
    assert (change.transition, change.by, change.reason) == (
        "close",
        coordinator,
        "Residence permit received",
    )
    assert Notification.objects.filter(recipient=case_manager, kind=Kind.APPROVAL).exists()
    assert AuditEvent.objects.filter(
        user=coordinator, action="update", object_type="cases.approval", family_id=family.pk
    ).exists()
    assert AuditEvent.objects.filter(
        user=case_manager, action="create", object_type="cases.approval", family_id=family.pk
    ).exists()


def test_a_returned_closure_needs_a_comment_and_leaves_the_file_open(
    approving, make_family, case_manager, coordinator, login
):
    family = make_family("active")
    _ask_closure(login(case_manager), family)
    approval = Approval.objects.get(family=family)
    marie = login(coordinator)
    refused = _decide(marie, approval, "returned")
    assert refused.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == ""
    _decide(marie, approval, "returned", "The lawyer's appeal is still open")
    approval.refresh_from_db()
    family.refresh_from_db()
    assert (approval.decision, approval.comment) == (
        "returned",
        "The lawyer's appeal is still open",
    )
    assert family.status == "active"
    page = login(case_manager).get(family.get_absolute_url())
    assert "The lawyer&#x27;s appeal is still open" in page.content.decode()
    assert page.context["may_ask_closure"]  # may ask again


def test_the_closure_request_form_names_its_fields_and_saves_nothing(
    approving, make_family, case_manager, login
):
    family = make_family("active")
    response = _ask_closure(login(case_manager), family, closed_on="2030-01-01", resolution="")
    errors = response.context["form"].errors
    assert errors["closed_on"] == ["This date is in the future."]
    assert "resolution" in errors
    assert not Approval.objects.exists()


def test_without_approvals_the_project_has_no_request_pages(
    make_family, case_manager, coordinator, login
):
    family = make_family("active")
    assert _ask_closure(login(case_manager), family).status_code == 404
    assert "may_ask_closure" not in login(case_manager).get(family.get_absolute_url()).context
    with pytest.raises(TransitionError):
        approvals.request(Actor(case_manager), family, Approval.Kind.PLAN)


def test_only_a_coordinator_decides_and_never_on_their_own_request(
    approving, make_family, case_manager, colleague, coordinator, outsider, login
):
    family = make_family("active")
    _ask_closure(login(case_manager), family)
    approval = Approval.objects.get()
    assert _decide(login(case_manager), approval, "approved").status_code == 404
    assert _decide(login(colleague), approval, "approved").status_code == 404
    assert _decide(login(outsider), approval, "approved").status_code == 404
    approval.refresh_from_db()
    assert approval.decision == ""
    own = approvals.request(Actor(coordinator), make_family("active"), Approval.Kind.CLOSURE,
                            closed_on=datetime.date(2026, 5, 1), resolution="none",
                            engagement_at_closure="stopped_participating")  # fmt: skip
    with pytest.raises(TransitionError, match="Someone else decides"):
        approvals.decide(Actor(coordinator), own, Approval.Decision.APPROVED)
    assert [a.pk for a in approvals.waiting(coordinator)] == [approval.pk]


def test_one_request_open_per_file_and_kind(approving, make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    _ask_closure(client, family)
    response = client.post(reverse("cases:approval_request", args=[family.pk, "closure"]), CLOSURE)
    assert response.status_code == 200
    assert "already waiting" in str(response.context["form"].non_field_errors())
    assert Approval.objects.count() == 1


def test_a_file_closed_meanwhile_cannot_have_its_closure_approved(
    approving, make_family, case_manager, coordinator, login
):
    family = make_family("active")
    _ask_closure(login(case_manager), family)
    approval = Approval.objects.get()
    marie = login(coordinator)
    marie.post(reverse("cases:step", args=[family.pk, "close"]), {**CLOSURE, "reason": ""})
    with pytest.raises(TransitionError, match="no longer open"):
        approvals.decide(Actor(coordinator), approval, Approval.Decision.APPROVED)
    approvals.decide(Actor(coordinator), approval, Approval.Decision.RETURNED, "closed already")


def test_the_plan_is_approved_as_it_is_and_a_change_needs_a_new_approval(
    approving, make_family, case_manager, coordinator, login
):
    family = make_family("active")
    sara = login(case_manager)
    ask = reverse("cases:approval_request", args=[family.pk, "plan"])
    assert "Write the case plan first." in str(sara.post(ask, {}).context["form"].errors)
    plan = casework.save_plan(Actor(case_manager), CasePlan(family=family, needs="Housing"))
    assert sara.get(family.get_absolute_url()).context["plan_approval"] is None
    assert sara.post(ask, {"note": "first plan"}).status_code == 302
    assert sara.get(family.get_absolute_url()).context["plan_waiting"]
    approval = Approval.objects.get(kind="plan")
    _decide(login(coordinator), approval, "approved")
    page = sara.get(family.get_absolute_url())
    assert page.context["plan_approval"] == approval
    assert "Approved by Marie" in page.content.decode()
    plan.needs = "Housing and a lawyer"
    casework.save_plan(Actor(case_manager), plan)
    page = sara.get(family.get_absolute_url())
    assert page.context["plan_approval"] is None
    assert "Not approved in its present form." in page.content.decode()
