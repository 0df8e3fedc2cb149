"""The case list finds the files that need something, as the dashboard will count them: actions
overdue, a review overdue (by the project's interval), no contact for the project's quiet
period, a legal deadline within N days, an approval waiting; always behind the gate."""

import datetime

from django.urls import reverse

from parcours.cases import approvals
from parcours.cases import services as cases
from parcours.cases.models import Approval
from parcours.casework import services as casework
from parcours.casework.models import Action, Contact, Review
from parcours.legal import services as legal
from parcours.legal.models import DeadlineRule, Procedure
from parcours.privacy.audit import Actor

TODAY = datetime.date(2026, 6, 15)  # the clock fixture's day


def _shown(client, **criteria):
    rows = client.get(reverse("cases:list"), criteria).context["rows"]
    return sorted(row.url for row in rows)


def _url(*families):
    return sorted(f.get_absolute_url() for f in families)


def test_each_need_finds_exactly_its_files(
    make_family, case_manager, coordinator, project, login, clock
):
    sara = Actor(case_manager)
    # admitted 2026-02-01: by 15 June, no contact since (quiet after 30 days) and the review
    # (every 12 weeks) was due on 26 April
    neglected = make_family("active")
    kept_up = make_family("active")
    casework.log_contact(sara, Contact(family=kept_up, on=TODAY, kind="phone_call"), [])
    casework.record_review(sara, Review(family=kept_up, held_on=TODAY))
    late = make_family("active")
    casework.log_contact(sara, Contact(family=late, on=TODAY, kind="phone_call"), [])
    casework.record_review(sara, Review(family=late, held_on=TODAY))
    casework.save_action(
        sara,
        Action(
            family=late,
            description="Lawyer",
            actor="case_manager",
            due_on=TODAY - datetime.timedelta(days=1),
        ),
    )
    legal.save_procedure(
        sara,
        Procedure(
            family=late, type="asylum", status="refused", notified_on=TODAY,
            deadline_rule=DeadlineRule.objects.get(country="BE", code="appeal_accelerated"),
        ),
    )  # fmt: skip
    client = login(coordinator)
    assert _shown(client, attention="overdue_actions") == _url(late)
    assert _shown(client, attention="quiet") == _url(neglected)
    assert _shown(client, attention="review_overdue") == _url(neglected)
    assert _shown(client, attention="deadline") == _url(late)  # 10 days ahead, within 14
    assert _shown(client, attention="deadline", within=7) == []
    assert _shown(client, attention="approval") == []
    assert _shown(client, attention="sheets_due") == _url(neglected, kept_up, late)  # baselines
    assert _shown(client, attention="flagged") == []
    cases.raise_flag(sara, late, project.flag_reasons.get(code="medical"))
    assert _shown(client, attention="flagged") == _url(late)

    project.review_interval_weeks = 30  # the project's own interval decides
    project.contact_alert_days = 200
    project.save(update_fields=["review_interval_weeks", "contact_alert_days"])
    assert _shown(client, attention="review_overdue") == []
    assert _shown(client, attention="quiet") == []

    project.approvals = True
    project.save(update_fields=["approvals"])
    kept_up.project.refresh_from_db()
    approvals.request(sara, kept_up, Approval.Kind.CLOSURE, closed_on=TODAY, resolution="none",
                      engagement_at_closure="stopped_participating")  # fmt: skip
    assert _shown(client, attention="approval") == _url(kept_up)
    assert _shown(client, attention="approval", case_manager=case_manager.pk) == _url(kept_up)


def test_a_paused_or_closed_file_is_not_overdue(
    make_family, case_manager, coordinator, login, clock
):
    sara = Actor(case_manager)
    paused = make_family("active")
    casework.save_action(
        sara,
        Action(family=paused, description="x", actor="family", due_on=datetime.date(2026, 3, 1)),
    )
    cases.take_step(sara, paused, "pause", reason="hospital")
    client = login(coordinator)
    assert _shown(client, attention="overdue_actions") == _url(paused)  # a paused file's actions
    assert _shown(client, attention="review_overdue") == []  # a paused file is never overdue
    assert _shown(client, attention="quiet") == []


def test_the_needs_stay_behind_the_gate(make_family, case_manager, colleague, login, clock):
    make_family("active")  # Sara's, quiet
    assert _shown(login(colleague), attention="quiet") == []
    assert len(_shown(login(case_manager), attention="quiet")) == 1


def test_an_unknown_need_is_refused_by_name(coordinator, login):
    response = login(coordinator).get(reverse("cases:list"), {"attention": "nonsense"})
    assert "attention" in response.context["form"].errors
