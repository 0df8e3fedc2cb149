"""The Belgian deadline rules, kept as data, computed from the notification date."""

import datetime

import pytest
from django.urls import reverse

from parcours.legal.models import DeadlineOverride, DeadlineRule, Procedure
from parcours.privacy.models import AuditEvent

NOTIFIED = datetime.date(2026, 3, 4)


@pytest.mark.parametrize(
    ("code", "deadline"),
    [
        ("appeal", datetime.date(2026, 4, 3)),  # 30 days
        ("appeal_detained", datetime.date(2026, 3, 19)),  # 15 days when detained
        ("appeal_accelerated", datetime.date(2026, 3, 14)),  # 10 days
        ("appeal_accelerated_short", datetime.date(2026, 3, 9)),
    ],  # 5 days
)
def test_appeal_deadlines_count_from_notification(refused_asylum, rule, code, deadline):
    procedure = refused_asylum(deadline_rule=rule(code))
    assert procedure.deadline == deadline


@pytest.mark.parametrize(
    ("code", "period", "deadline"),
    [
        ("order_to_leave_30", None, datetime.date(2026, 4, 3)),
        ("order_to_leave_7_30", 12, datetime.date(2026, 3, 16)),
        ("order_to_leave_7_30", None, datetime.date(2026, 3, 11)),  # earliest possible: 7 days
        ("order_to_leave_0_7", 0, NOTIFIED),
        ("order_to_leave_0_7", None, NOTIFIED),
    ],
)
def test_orders_to_leave_use_the_period_they_state(make_family, rule, code, period, deadline):
    procedure = Procedure.objects.create(
        family=make_family("active"),
        type="order_to_leave",
        status="filed",
        notified_on=NOTIFIED,
        deadline_rule=rule(code),
        period_days=period,
    )
    assert procedure.deadline == deadline


def test_no_notification_no_deadline(make_family, rule):
    procedure = Procedure(
        family=make_family("active"), type="asylum", status="refused", deadline_rule=rule("appeal")
    )
    assert procedure.deadline is None


def test_the_belgian_rules_are_seeded_as_data(db):
    codes = set(DeadlineRule.objects.filter(country="BE").values_list("code", flat=True))
    assert codes == {
        "appeal",
        "appeal_detained",
        "appeal_accelerated",
        "appeal_accelerated_short",
        "order_to_leave_30",
        "order_to_leave_7_30",
        "order_to_leave_0_7",
    }


def test_a_coordinator_changes_a_rule_and_the_deadline_follows(refused_asylum, rule):
    procedure = refused_asylum(deadline_rule=rule("appeal"))
    DeadlineRule.objects.filter(code="appeal").update(min_days=31, max_days=31)
    procedure.refresh_from_db()
    assert procedure.deadline == NOTIFIED + datetime.timedelta(days=31)


def _post(client, family, **changes):
    data = {
        "type": "asylum",
        "status": "refused",
        "filed_on": "2025-01-10",
        "decided_on": "2026-03-01",
        "notified_on": "2026-03-04",
    }
    data.update(changes)
    return client.post(reverse("legal:procedure_create", args=[family.pk]), data)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decided_on": "2024-12-01"}, "decided_on"),  # a decision before its filing
        ({"notified_on": "2026-02-01"}, "notified_on"),  # notified before decided
        ({"filed_on": "2999-01-01", "decided_on": "", "notified_on": ""}, "filed_on"),
        ({"period_days": "12"}, "period_days"),  # a period without a rule
        (
            {"type": "9bis", "status": "pending", "deadline_rule": "order_to_leave_30"},
            "deadline_rule",
        ),
    ],
)
def test_a_procedure_with_bad_dates_or_rules_is_refused(
    make_family, case_manager, login, rule, changes, field
):
    family = make_family("active")
    if "deadline_rule" in changes:
        changes["deadline_rule"] = rule(changes["deadline_rule"]).pk
    response = _post(login(case_manager), family, **changes)
    assert field in response.context["form"].errors
    assert not Procedure.objects.exists()


def test_a_stated_period_outside_the_rule_is_refused(make_family, case_manager, login, rule):
    family = make_family("active")
    response = _post(
        login(case_manager),
        family,
        type="order_to_leave",
        status="filed",
        decided_on="2026-03-04",
        deadline_rule=rule("order_to_leave_7_30").pk,
        period_days="40",
    )
    assert "Between 7 and 30" in " ".join(response.context["form"].errors["period_days"])


def test_deadlines_show_with_days_left_and_in_my_week(
    clock, refused_asylum, rule, case_manager, login
):
    procedure = refused_asylum(deadline_rule=rule("appeal_detained"))
    Procedure.objects.filter(pk=procedure.pk).update(
        notified_on=datetime.date(2026, 6, 10), decided_on=datetime.date(2026, 6, 9)
    )
    client = login(case_manager)
    page = client.get(procedure.family.get_absolute_url()).content.decode()
    assert "10 days left" in page  # 10 June + 15 days = 25 June; today is 15 June
    week = client.get(reverse("casework:my_week")).context["upcoming"]
    assert [(i.kind, i.on) for i in week if i.kind == "deadline"] == []  # beyond seven days
    Procedure.objects.filter(pk=procedure.pk).update(notified_on=datetime.date(2026, 6, 1))
    week = client.get(reverse("casework:my_week")).context["upcoming"]
    assert ("deadline", datetime.date(2026, 6, 16)) in [(i.kind, i.on) for i in week]


def test_the_family_page_names_whom_a_procedure_and_a_document_concern(
    clock, refused_asylum, rule, case_manager, login
):
    from parcours.legal.models import Document, DocumentKind

    procedure = refused_asylum(deadline_rule=rule("appeal_detained"))
    family = procedure.family
    parent, child = family.household
    Procedure.objects.filter(pk=procedure.pk).update(
        person=child, notified_on=datetime.date(2026, 6, 10)
    )
    Document.objects.create(
        family=family,
        person=parent,
        kind=DocumentKind.objects.first(),
        expires_on=datetime.date(2026, 7, 1),
    )
    page = login(case_manager).get(family.get_absolute_url()).content.decode()
    assert f"({child.given_name}) · refused · <strong" in page  # 10 days left
    assert f"({parent.given_name}) · <span" in page  # the document, expiring in 16 days


def test_an_administrator_edits_a_shared_rule_and_it_is_audited(administrator, login, rule):
    appeal = rule("appeal")
    client = login(administrator)
    url = reverse("legal:deadline_rule_edit", args=[appeal.pk])
    data = {
        "country": "BE",
        "code": "appeal",
        "label_nl": "Beroep",
        "label_fr": "Recours",
        "label_en": "Appeal",
        "procedure_types": "asylum, 9bis",
        "on_status": "refused",
        "min_days": "30",
        "max_days": "30",
    }
    assert client.post(url, data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.procedure_types == "asylum,9bis" and appeal.label_en == "Appeal"
    assert AuditEvent.objects.filter(
        user=administrator, action="update", object_type="legal.deadlinerule"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"procedure_types": "asylum, teleportation"}, "procedure_types"),
        ({"min_days": "20", "max_days": "10"}, "max_days"),
    ],
)
def test_a_bad_rule_names_the_field_and_changes_nothing(administrator, login, rule, changes, field):
    appeal = rule("appeal")
    data = {
        "country": "BE",
        "code": "appeal",
        "label_nl": "x",
        "label_fr": "x",
        "label_en": "x",
        "procedure_types": "asylum",
        "on_status": "refused",
        "min_days": "30",
        "max_days": "30",
        **changes,
    }
    response = login(administrator).post(
        reverse("legal:deadline_rule_edit", args=[appeal.pk]), data
    )
    assert field in response.context["form"].errors
    appeal.refresh_from_db()
    assert (appeal.min_days, appeal.max_days) == (30, 30)


@pytest.mark.parametrize("who", ["case_manager", "evaluator", "coordinator", "outsider"])
def test_rules_shared_by_every_organisation_are_changed_by_administrators_only(
    request, who, login, rule
):
    client = login(request.getfixturevalue(who))
    url = reverse("legal:deadline_rule_edit", args=[rule("appeal").pk])
    assert client.post(url, {"min_days": "1", "max_days": "1"}).status_code == 404
    assert client.get(reverse("legal:deadline_rule_create")).status_code == 404
    assert rule("appeal").min_days == 30


def test_a_coordinator_sets_the_projects_own_limit(
    coordinator, outsider, login, rule, refused_asylum, make_family, other_project
):
    appeal = rule("appeal")
    ours = refused_asylum(deadline_rule=appeal)
    client = login(coordinator)
    url = reverse("legal:deadline_override_create", args=[appeal.pk])
    data = {"project": ours.family.project_id, "min_days": "20", "max_days": "20", "note": "x"}
    assert client.post(url, data).status_code == 302
    override = DeadlineOverride.objects.get(rule=appeal)
    assert Procedure.objects.get(pk=ours.pk).deadline == datetime.date(2026, 3, 24)  # 4 March + 20
    assert rule("appeal").min_days == 30  # the shared rule is untouched
    page = client.get(reverse("legal:deadline_rules")).content.decode()
    assert "Plan Together: 20" in page
    assert AuditEvent.objects.filter(
        user=coordinator, action="create", object_type="legal.deadlineoverride"
    ).exists()
    # A coordinator of another project cannot change it, nor set one for this project.
    edit = reverse("legal:deadline_override_edit", args=[appeal.pk, override.pk])
    assert login(outsider).post(edit, {"min_days": "1", "max_days": "1"}).status_code == 404
    refused = login(outsider).post(url, {**data, "min_days": "2", "max_days": "2"})
    assert refused.status_code == 200 and "project" in refused.context["form"].errors
    # Back to the country's rule.
    assert client.post(edit, {"remove": "1"}).status_code == 302
    assert Procedure.objects.get(pk=ours.pk).deadline == datetime.date(2026, 4, 3)
    assert AuditEvent.objects.filter(action="delete", object_type="legal.deadlineoverride").exists()


def test_a_project_limit_must_be_a_range(coordinator, login, rule, project):
    url = reverse("legal:deadline_override_create", args=[rule("appeal").pk])
    response = login(coordinator).post(
        url, {"project": project.pk, "min_days": "20", "max_days": "10"}
    )
    assert "max_days" in response.context["form"].errors
    assert not DeadlineOverride.objects.exists()
