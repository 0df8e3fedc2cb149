"""The dashboard: per case manager, the open files and those that need something; every
number opens exactly those files in the case list; trends and outcomes; only for case
workers, each seeing what the gate lets them see."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from parcours.accounts.models import Membership, Role, User
from parcours.cases import services as cases
from parcours.cases.choices import Assessment, ReferralRoute
from parcours.cases.models import Family
from parcours.casework import services as casework
from parcours.casework.models import Action, Contact
from parcours.dashboard import board as board_module
from parcours.privacy.audit import Actor
from tests.conftest import _user, make_person

TODAY = datetime.date(2026, 6, 15)  # the clock fixture's day


@pytest.fixture
def caseload(make_family, case_manager, colleague, project, clock):
    sara = Actor(case_manager)
    quiet = make_family("active")  # admitted 1 February, no contact since
    busy = make_family("active")
    casework.log_contact(sara, Contact(family=busy, on=TODAY, kind="phone_call"), [])
    casework.save_action(
        sara,
        Action(
            family=busy,
            description="Lawyer",
            actor="case_manager",
            due_on=TODAY - datetime.timedelta(days=3),
        ),
    )
    cases.raise_flag(sara, busy, project.flag_reasons.get(code="medical"))
    theirs = make_family("active", by=colleague)
    closed = make_family("closed")
    make_family("referred")
    return {"quiet": quiet, "busy": busy, "theirs": theirs, "closed": closed}


def _board(client):
    page = client.get(reverse("dashboard:dashboard"))
    assert page.status_code == 200
    return page.context["board"], page


def _rows_behind(client, url):
    parts = urlsplit(url)
    return client.get(parts.path, dict(parse_qsl(parts.query))).context["rows"]


def test_every_number_opens_exactly_its_files(caseload, coordinator, case_manager, login):
    client = login(coordinator)
    board, _page = _board(client)
    sara = next(line for line in board.lines if line.name == case_manager.get_full_name())
    values = dict(zip(board.columns, (c.value for c in sara.cells), strict=True))
    assert values["Open files"] == 2
    assert values["Actions overdue"] == 1
    assert values["Quiet too long"] == 1
    assert values["Flagged"] == 1
    assert values["Sheets due"] == 3  # two baselines due at admission, a closing sheet
    assert board.total.cells[0].value == 3  # all open files of the project, Youssef's too
    for line in [*board.lines, board.total]:
        for cell in line.cells:
            assert len(_rows_behind(client, cell.url)) == cell.value, cell.url
    html = _page.content.decode()
    first = sara.cells[0]
    assert f'<td data-label="Open files"><a href="{escape(first.url)}">2</a></td>' in html
    assert '<a class="zero" href="' in html  # a zero is a link too, drawn lighter


def test_a_case_manager_sees_their_own_line_only(caseload, case_manager, colleague, login):
    board, page = _board(login(colleague))
    assert [line.name for line in board.lines] == [colleague.get_full_name()]
    assert board.total is None
    assert board.lines[0].cells[0].value == 1
    assert caseload["busy"].case_number not in page.content.decode()


def test_trends_count_the_months_and_outcomes(caseload, coordinator, login):
    _unused, page = _board(login(coordinator))
    trends = page.context["trends"]
    assert trends["months"][-1] == datetime.date(2026, 6, 1) and len(trends["months"]) == 24
    january = trends["months"].index(datetime.date(2026, 1, 1))
    assert trends["series"]["referrals"][january] == 5  # all referred on 10 January
    february = trends["months"].index(datetime.date(2026, 2, 1))
    assert trends["series"]["admissions"][february] == 4
    assert trends["series"]["closures"][trends["months"].index(datetime.date(2026, 5, 1))] == 1
    assert page.context["outcome_chart"]["rows"][0]["value"] == 1
    html = page.content.decode()
    assert 'id="trend-table"' in html and "<svg" in html


@pytest.mark.parametrize("language, grouped", [("nl", "12.266"), ("fr", "12\xa0266")])
def test_large_numbers_are_grouped_as_the_language_writes_them(
    caseload, coordinator, login, monkeypatch, language, grouped
):
    counted = board_module.overview

    def a_large_project(user, projects, on):
        whole, trends = counted(user, projects, on)
        whole["open"] = 12266
        trends["series"]["referrals"][-1] = 12266
        trends["outcomes"] = [("Regularised", 12266)]
        return whole, trends

    monkeypatch.setattr(board_module, "overview", a_large_project)
    client = login(coordinator)
    html = client.get(reverse("dashboard:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    html = html.content.decode()
    # the board's total, the chart's highest month and its bar, the trend table, the outcomes
    assert html.count(grouped) >= 5 and "12266" not in html


def test_the_dashboard_is_the_coordinators_home(coordinator, case_manager, login):
    assert login(coordinator).get(reverse("home")).url == reverse("dashboard:dashboard")
    assert login(case_manager).get(reverse("home")).url == reverse("cases:caseload")


@pytest.mark.parametrize("who", ["evaluator", "administrator"])
def test_others_get_404(request, who, login):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse("dashboard:dashboard")).status_code == 404


def test_a_coordinator_of_another_project_counts_nothing_of_ours(caseload, outsider, login):
    board, _page = _board(login(outsider))
    assert board.lines == []
    assert all(cell.value == 0 for cell in board.total.cells)


def test_the_query_count_does_not_grow_with_families(
    make_family, coordinator, login, django_assert_max_num_queries, clock
):
    client = login(coordinator)
    make_family("active")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("dashboard:dashboard"))
    for _ in range(5):
        make_family("active")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dashboard:dashboard"))


def test_a_large_team_comes_a_page_of_case_managers_at_a_time(
    caseload, coordinator, case_manager, colleague, login, monkeypatch
):
    monkeypatch.setattr(board_module, "LINES_PER_PAGE", 1)
    client = login(coordinator)
    first, page = _board(client)
    second = client.get(reverse("dashboard:dashboard"), {"page": 2}).context["board"]
    names = sorted([case_manager.get_full_name(), colleague.get_full_name()], key=str.lower)
    assert [line.name for line in first.lines] == names[:1]
    assert [line.name for line in second.lines] == names[1:]
    assert "Page 1 of 2" in page.content.decode()
    # The whole project's line is on every page, the same.
    assert [c.value for c in first.total.cells] == [c.value for c in second.total.cells]
    theirs = next(b for b in (first, second) if b.lines[0].name == colleague.get_full_name())
    assert theirs.lines[0].cells[0].value == 1


def test_a_coordinator_who_is_a_case_manager_elsewhere_counts_their_own_files_there(
    caseload, coordinator, other_project, outsider, login
):
    """The coordinated project is added up from its tallies, the other one's own files in a
    pass over their figures: every number of the whole still opens exactly its files."""
    Membership.objects.create(user=coordinator, project=other_project, role=Role.CASE_MANAGER)
    marie = User.objects.get(pk=coordinator.pk)  # her roles, read again
    otto = _user("otto", other_project, Role.CASE_MANAGER)
    for manager in (marie, otto):
        family = Family(
            project=other_project, referred_on=TODAY, referral_route=ReferralRoute.FROM_COMMUNITY
        )
        cases.register_referral(Actor(outsider), family, [make_person()])
        met = [(c, Assessment.MET, "") for c in other_project.criteria.all()]
        cases.assess(Actor(outsider), family, met)
        cases.take_step(
            Actor(outsider), family, "admit", admitted_on=TODAY, case_managers=[manager]
        )
    client = login(marie)
    board, _page = _board(client)
    assert board.total.cells[0].value == 3 + 1  # her project's open files, and hers there
    for cell in board.total.cells:
        assert len(_rows_behind(client, cell.url)) == cell.value, cell.url


def test_someone_who_left_the_team_keeps_a_line_while_they_hold_files(
    caseload, coordinator, colleague, other_project, outsider, login
):
    """Youssef leaves the project still holding a file: his line stays, for the coordinator to
    hand it over. Someone holding files only in another project has no line here."""
    Membership.objects.filter(user=colleague).delete()
    otto = _user("otto", other_project, Role.CASE_MANAGER)
    elsewhere = Family(
        project=other_project, referred_on=TODAY, referral_route=ReferralRoute.FROM_COMMUNITY
    )
    cases.register_referral(Actor(outsider), elsewhere, [make_person()])
    met = [(c, Assessment.MET, "") for c in other_project.criteria.all()]
    cases.assess(Actor(outsider), elsewhere, met)
    cases.take_step(Actor(outsider), elsewhere, "admit", admitted_on=TODAY, case_managers=[otto])
    board, _page = _board(login(coordinator))
    lines = {line.name: line.cells[0].value for line in board.lines}
    assert lines[colleague.get_full_name()] == 1
    assert otto.get_full_name() not in lines
