"""The figures kept ready for counting agree with the source rows after every kind of change,
are brought to the day by the daily run, and `parcours check-figures` names what differs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from parcours.cases import ages, approvals, figures, tallies
from parcours.cases import services as cases
from parcours.cases.choices import PersonRole
from parcours.cases.models import Approval, FamilyFigures, FiguresTally
from parcours.casework import services as casework
from parcours.casework.models import Action, CasePlan, Contact, Review
from parcours.instruments.models import BaselineScore, LatestSheet, Response
from parcours.legal import services as legal
from parcours.legal.models import DeadlineOverride, DeadlineRule, Procedure
from parcours.privacy.audit import Actor
from parcours.privacy.fields import PartialDate
from parcours.reports.cohort import Cohort, compute
from parcours.rights.erasure import erase
from tests.commands.test_import_cases import ROWS, _run
from tests.conftest import consent_to_evaluation, make_person
from tests.instruments.test_sheets import _baseline, _start, _url

TODAY = datetime.date(2026, 6, 15)  # the clock fixture's day
DAY = datetime.timedelta(days=1)


def _agree():
    assert figures.differences() == []


def test_the_figures_follow_every_kind_of_change(
    make_family, case_manager, coordinator, project, clock, tmp_path, login
):
    sara, marie = Actor(case_manager), Actor(coordinator)
    family = make_family("referred")
    _agree()
    family = make_family("active")  # screening, admission
    row = FamilyFigures.objects.get(family=family)
    assert row.sheet_due_on == datetime.date(2026, 2, 1)  # the baseline, at admission
    assert (row.status, row.quiet_since, row.review_from) == (
        "active",
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 1),
    )
    _agree()

    client = login(case_manager)
    sheet = _start(client, family)
    client.post(_url(sheet), {**_baseline(), "action": "submit"})
    row.refresh_from_db()
    assert row.sheet_due_on == datetime.date(2027, 2, 1)  # the summary sheet, a year in
    _agree()
    again = client.post(reverse("instruments:start", args=[family.pk, "baseline"])).url
    client.post(again, {**_baseline(b08_wellbeing="8"), "action": "submit"})
    pair = BaselineScore.objects.get(family=family, code="b08_wellbeing")
    assert (pair.first, pair.latest, pair.scores) == (5, 8, 2)
    baselines = Response.objects.filter(family=family, instrument="baseline")
    assert baselines.count() == 2
    # The clock stands still: one moment, so the later id is the latest.
    second = baselines.order_by("-submitted_at", "-created_at", "-pk").first()
    assert LatestSheet.objects.get(family=family, instrument="baseline").response == second
    _agree()
    LatestSheet.objects.filter(family=family).delete()
    assert figures.differences() == [
        f"{family.case_number}: the latest baseline is None, the source says {second.pk}"
    ]
    figures.refresh([family.pk])
    _agree()

    casework.log_contact(sara, Contact(family=family, on=TODAY, kind="home_visit"), [])
    action = casework.save_action(
        sara, Action(family=family, description="Lawyer", actor="case_manager", due_on=TODAY)
    )
    casework.save_action(
        sara, Action(family=family, description="School", actor="family", due_on=None)
    )
    row.refresh_from_db()
    assert (row.open_actions, row.first_action_due_on, row.last_contact_on) == (2, TODAY, TODAY)
    _agree()
    action.status = "done"
    action.completed_on = TODAY
    casework.save_action(sara, action)
    casework.record_review(sara, Review(family=family, held_on=datetime.date(2026, 5, 1)))
    casework.save_plan(sara, CasePlan(family=family, needs="housing"))
    _agree()

    cases.take_step(sara, family, "pause", reason="hospital")
    _agree()
    cases.take_step(sara, family, "resume")
    _agree()

    reason = project.flag_reasons.get(code="medical")
    flag = cases.raise_flag(sara, family, reason, ends_on=TODAY + datetime.timedelta(days=3))
    row.refresh_from_db()
    assert (row.flags, row.flags_change_on) == (1, TODAY + datetime.timedelta(days=4))
    _agree()
    cases.remove_flag(marie, flag, "better")
    _agree()

    project.approvals = True
    project.save(update_fields=["approvals"])
    family.project.refresh_from_db()
    asked = approvals.request(sara, family, Approval.Kind.PLAN)
    assert FamilyFigures.objects.get(family=family).approvals_waiting == 1
    approvals.decide(marie, asked, Approval.Decision.APPROVED)
    _agree()

    rule = DeadlineRule.objects.get(country="BE", code="appeal")
    legal.save_procedure(
        sara,
        Procedure(
            family=family, type="asylum", status="refused", notified_on=TODAY, deadline_rule=rule
        ),
    )
    row.refresh_from_db()
    assert row.next_deadline_on == TODAY + datetime.timedelta(days=30)
    _agree()
    legal.save_deadline(
        marie, DeadlineOverride(rule=rule, project=project, min_days=20, max_days=20)
    )
    row.refresh_from_db()
    assert row.next_deadline_on == TODAY + datetime.timedelta(days=20)
    _agree()

    closing = approvals.request(
        sara, family, Approval.Kind.CLOSURE, closed_on=TODAY, resolution="none",
        engagement_at_closure="stopped_participating",
    )  # fmt: skip
    approvals.decide(marie, closing, Approval.Decision.APPROVED)
    assert FamilyFigures.objects.get(family=family).status == "closed"
    _agree()

    row.refresh_from_db()
    assert row.sheet_due_on == TODAY  # the closing summary sheet, owed from closure

    # The members, as the cohort report counts them.
    assert (row.adults, row.children, row.age_40_59, row.age_6_11) == (1, 1, 1, 1)
    assert row.ages_on == TODAY
    teen = cases.save_person(
        sara,
        make_person(PersonRole.CHILD, "Yusuf", birth="2008-06-16", family=family,
                    arrival_date=datetime.date(2015, 3, 1)),
    )  # fmt: skip
    row.refresh_from_db()
    assert (row.children, row.children_adult, row.age_12_17) == (2, 0, 1)
    assert row.arrived_on == datetime.date(2015, 3, 1)
    _agree()
    teen.birth_date = PartialDate.parse("2008")  # the year alone: 18 at the end of it
    cases.save_person(sara, teen)
    _agree()
    erase(marie, family, "asked", person=teen)
    row.refresh_from_db()
    assert (row.adults, row.children, row.age_12_17, row.age_18_24) == (1, 2, 0, 0)
    _agree()
    _run(tmp_path, ROWS)  # import-cases
    assert FamilyFigures.objects.filter(family__case_number="PT-2021-004").exists()
    _agree()


def test_the_daily_run_brings_the_figures_to_the_day(make_family, case_manager, project, clock):
    family = make_family("active")
    reason = project.flag_reasons.get(code="legal_emergency")
    cases.raise_flag(Actor(case_manager), family, reason, ends_on=TODAY)
    rule = DeadlineRule.objects.get(country="BE", code="appeal_accelerated_short")  # 5 days
    legal.save_procedure(
        Actor(case_manager),
        Procedure(
            family=family, type="asylum", status="refused", notified_on=TODAY, deadline_rule=rule
        ),
    )
    later = TODAY + datetime.timedelta(days=6)
    stale = figures.differences(on=later)  # the flag ended, the deadline passed
    assert any("flags is 1" in line for line in stale)
    assert any("next_deadline_on" in line for line in stale)
    assert figures.bring_to_the_day(on=later) == 1
    assert figures.differences(on=later) == []
    row = FamilyFigures.objects.get(family=family)
    assert (row.flags, row.next_deadline_on, row.as_of) == (0, None, later)


def test_the_daily_run_of_ages_counts_again_the_families_whose_members_changed_band(
    make_family, case_manager, project, clock, monkeypatch
):
    family = make_family("active", members=[make_person()])
    other = make_family("active")  # a child whose birthday is not today
    cases.save_person(
        Actor(case_manager),
        make_person(PersonRole.CHILD, "Yusuf", birth="2008-06-16", family=family),
    )
    row = FamilyFigures.objects.get(family=family)
    assert (row.children, row.children_adult, row.age_12_17, row.age_18_24) == (1, 0, 1, 0)
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: clock + datetime.timedelta(days=1))
    # Before the run the report works the file out for the day: Yusuf is 18 today.
    before = compute(Cohort([project]))["profile"]
    assert (before["children"], before["children_over_18"]) == (2, 1)
    _count, moved = ages.reckon()
    assert moved == {family.pk}  # only the family whose member changed band
    assert figures.ages_to_the_day(moved) == 1
    row.refresh_from_db()
    assert (row.children_adult, row.age_12_17, row.age_18_24, row.ages_on) == (1, 0, 1, tomorrow)
    # The other file's row is not written again: one row says every file's ages hold.
    assert FamilyFigures.objects.get(family=other).ages_on == TODAY
    assert FamilyFigures.objects.filter(figures.ages_hold_on(tomorrow)).count() == 2
    assert not FamilyFigures.objects.filter(figures.ages_hold_on(tomorrow + DAY)).exists()
    assert figures.differences(on=tomorrow) == []
    worked_out = []
    monkeypatch.setattr(
        figures, "members_on", lambda ids, on: worked_out.extend(ids) or {}
    )  # birth dates decrypted for a file whose columns are of another day
    assert compute(Cohort([project]))["profile"] == before
    assert worked_out == []  # after the run, every file is counted from its columns


def test_a_consent_withdrawn_from_tomorrow_leaves_the_outside_report_before_the_daily_run(
    make_family, coordinator, project, clock, monkeypatch
):
    family, other = make_family("active"), make_family("active")
    consent = consent_to_evaluation(family, coordinator)
    consent_to_evaluation(other, coordinator)
    row = FamilyFigures.objects.get(family=family)
    assert (row.evaluation_consent, row.consent_change_on) == (True, None)
    tomorrow = TODAY + datetime.timedelta(days=1)
    casework.withdraw_consent(Actor(coordinator), consent, tomorrow)
    row.refresh_from_db()
    assert (row.evaluation_consent, row.consent_change_on) == (True, tomorrow)
    outside = Cohort([project], consented_only=True)
    assert set(outside.families().values_list("pk", flat=True)) == {family.pk, other.pk}
    monkeypatch.setattr(timezone, "now", lambda: clock + datetime.timedelta(days=1))
    # Before the daily run: the consent itself is asked, not the figures of yesterday.
    assert set(outside.families().values_list("pk", flat=True)) == {other.pk}
    assert outside.selection()["without_evaluation_consent"] == 1
    assert figures.bring_to_the_day() == 1
    row.refresh_from_db()
    assert (row.evaluation_consent, row.consent_change_on) == (False, None)
    assert set(outside.families().values_list("pk", flat=True)) == {other.pk}
    _agree()


def test_check_figures_names_each_difference_and_fixes_it_when_asked(make_family, clock):
    family = make_family("active")
    FamilyFigures.objects.filter(family=family).update(open_actions=7)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("check_figures", stdout=out)
    assert f"{family.case_number}: open_actions is 7, the source says 0" in out.getvalue()
    BaselineScore.objects.create(family=family, code="b08_wellbeing", first=2, latest=5, scores=2)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 difference"):
        call_command("check_figures", stdout=out)
    assert (
        f"{family.case_number}: Baseline b08_wellbeing (first, latest, scores) is (2, 5, 2), "
        "the source says None"
    ) in out.getvalue()
    FamilyFigures.objects.filter(family=family).delete()
    out = io.StringIO()
    call_command("check_figures", "--fix", stdout=out)
    assert f"{family.case_number}: no figures kept" in out.getvalue()
    out = io.StringIO()
    call_command("check_figures", stdout=out)
    assert "The figures agree with the source rows." in out.getvalue()
    assert not BaselineScore.objects.exists()


def test_the_tallies_fold_into_one_row_per_value_and_a_repair_counts_them_again(
    make_family, case_manager, project, clock
):
    sara = Actor(case_manager)
    family = make_family("active")
    make_family("closed")
    make_family("referred")
    casework.log_contact(sara, Contact(family=family, on=TODAY, kind="home_visit"), [])
    cases.take_step(sara, family, "pause", reason="hospital")
    assert tallies.check() == []
    summed, rows = tallies.stored(), FiguresTally.objects.count()
    assert summed[project.pk, tallies.OPEN, None, None] == 1  # the paused file
    assert tallies.fold() == len(summed) < rows  # the -1 and +1 of each move, folded away
    assert tallies.stored() == summed and FiguresTally.objects.count() == len(summed)
    assert tallies.fold() == len(summed)  # folding again changes nothing
    assert tallies.check() == []

    FiguresTally.objects.create(project=project, measure=tallies.OPEN, n=5)
    assert tallies.check() == [f"tally open   of project {project.pk}: 6, the figures say 1"]
    out = io.StringIO()
    call_command("check_figures", "--fix", stdout=out)
    assert "tally open" in out.getvalue()
    assert tallies.check() == [] and tallies.stored() == summed
