"""Evaluators' pseudonymised sheet pages, the coordinator's release of free text, named
rounds, the declined-with-reasons funnel, bands in the profile and the baseline-change chart."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from parcours.cases import figures, services
from parcours.cases.choices import Assessment, PersonRole
from parcours.instruments.models import Answer, Response
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditEvent
from parcours.reports.models import Round
from tests.conftest import make_person, verified_login
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)

BARRIER = "Amina fears the lawyer at Rue Haute 12"


@pytest.fixture
def sheet_with_barrier(twelve):  # noqa: F811
    response = Response.objects.filter(family=twelve[0]).get()
    Answer.objects.create(response=response, code="c1_barriers", text=BARRIER)
    return response


def _names(families):
    for family in families:
        yield family.case_number
        for person in family.members.all():
            yield person.given_name
            yield person.family_name


def test_an_evaluator_browses_sheets_under_pseudonyms(
    twelve,  # noqa: F811
    sheet_with_barrier,
    evaluator,
    login,
):
    client = login(evaluator)
    listing = client.get(reverse("reports:sheets")).content.decode()
    detail = client.get(reverse("reports:sheet", args=[sheet_with_barrier.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "free text, not released" in html
    assert "P-" in listing and "Client Summary Sheet" in listing
    for name in _names(twelve):
        assert name not in listing and name not in html
    assert BARRIER not in html and "Release to evaluators" not in html
    assert AuditEvent.objects.filter(
        user=evaluator, action="view", object_id=str(sheet_with_barrier.pk)
    ).exists()


def test_a_coordinator_releases_free_text_and_the_evaluator_then_reads_it(
    sheet_with_barrier, coordinator, evaluator, login, project
):
    boss = login(coordinator)
    page = boss.get(reverse("reports:sheet", args=[sheet_with_barrier.pk])).content.decode()
    assert BARRIER in page and "Release to evaluators" in page
    url = reverse("reports:sheet_release", args=[sheet_with_barrier.pk, "c1_barriers"])
    assert boss.post(url, {"release": "1"}).status_code == 302
    answer = Answer.objects.get(response=sheet_with_barrier, code="c1_barriers")
    assert answer.released_by == coordinator and answer.released_at is not None
    client = login(evaluator)
    assert (
        BARRIER
        in client.get(reverse("reports:sheet", args=[sheet_with_barrier.pk])).content.decode()
    )
    report = client.get(reverse("reports:cohort"), {"projects": [project.pk]}).context["report"]
    assert report["barriers"]["cluster1"] == [BARRIER]
    boss.post(url, {"release": "0"})
    report = client.get(reverse("reports:cohort"), {"projects": [project.pk]}).context["report"]
    assert report["barriers"]["cluster1"] == []


@pytest.mark.parametrize("who", ["case_manager", "administrator", "outsider"])
def test_others_get_404_on_sheet_pages(request, who, sheet_with_barrier, login):
    client = login(request.getfixturevalue(who))
    listing = client.get(reverse("reports:sheets"))  # the outsider coordinates another project
    assert listing.status_code == 404 or str(sheet_with_barrier.pk) not in listing.content.decode()
    assert client.get(reverse("reports:sheet", args=[sheet_with_barrier.pk])).status_code == 404
    url = reverse("reports:sheet_release", args=[sheet_with_barrier.pk, "c1_barriers"])
    assert client.post(url, {"release": "1"}).status_code == 404
    assert Answer.objects.get(code="c1_barriers").released_at is None


def test_an_evaluator_may_not_release(sheet_with_barrier, evaluator, login):
    url = reverse("reports:sheet_release", args=[sheet_with_barrier.pk, "c1_barriers"])
    assert login(evaluator).post(url, {"release": "1"}).status_code == 404
    assert Answer.objects.get(code="c1_barriers").released_at is None


def _submitted_on(families, day):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Response.objects.filter(family__in=families).update(submitted_at=moment)


def test_a_named_round_counts_the_sheets_submitted_within_it(
    twelve,  # noqa: F811
    coordinator,
    evaluator,
    login,
    project,
):
    _submitted_on(twelve[:4], datetime.date(2026, 3, 10))
    _submitted_on(twelve[4:], datetime.date(2026, 9, 10))
    boss = login(coordinator)
    response = boss.post(
        reverse("reports:rounds"),
        {
            "project": project.pk,
            "name": "Spring",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        },
    )
    assert response.status_code == 302
    spring = Round.objects.get(name="Spring")
    report = boss.get(
        reverse("reports:cohort"), {"projects": [project.pk], "round": spring.pk}
    ).context["report"]
    assert (report["n_sheets"], report["families"]) == (4, 12)
    assert report["selection"]["round"] == "Spring"
    period = boss.get(
        reverse("reports:cohort"),
        {"projects": [project.pk], "period_from": "2026-09-01", "period_to": "2026-09-30"},
    ).context["report"]
    assert period["n_sheets"] == 8
    both = boss.get(
        reverse("reports:cohort"),
        {"projects": [project.pk], "round": spring.pk, "period_from": "2026-09-01"},
    )
    assert "round" in both.context["form"].errors
    # Evaluators read the rounds' reports but do not define rounds.
    assert login(evaluator).get(reverse("reports:rounds")).status_code == 404


def test_a_round_that_ends_before_it_starts_or_repeats_a_name_is_refused(
    coordinator, login, project
):
    client = login(coordinator)
    data = {"project": project.pk, "name": "Q1", "starts_on": "2026-03-31", "ends_on": "2026-03-01"}
    response = client.post(reverse("reports:rounds"), data)
    assert "ends_on" in response.context["form"].errors
    client.post(reverse("reports:rounds"), {**data, "starts_on": "2026-01-01"})
    again = client.post(reverse("reports:rounds"), {**data, "starts_on": "2026-01-01"})
    assert again.context["form"].errors and Round.objects.count() == 1


def test_the_command_takes_a_round_and_names_an_unknown_one(
    twelve,  # noqa: F811
    coordinator,
    project,
    tmp_path,
):
    _submitted_on(twelve[:3], datetime.date(2026, 3, 10))
    Round.objects.create(
        project=project,
        name="Spring",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        created_by=coordinator,
    )
    out = tmp_path / "r.json"
    call_command(
        "report",
        "--project",
        "pt",
        "--round",
        "Spring",
        "--format",
        "json",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    assert json.loads(out.read_text())["n_sheets"] == 3
    with pytest.raises(CommandError, match="--round 'Autumn'"):
        call_command(
            "report", "--project", "pt", "--round", "Autumn", "--format", "json", "-o", str(out)
        )


def test_the_funnel_counts_declined_families_by_the_criterion_not_met(
    make_family, coordinator, login, project
):
    boss = Actor(coordinator)
    criteria = list(project.criteria.all())
    for _ in range(2):
        family = make_family("screening")
        services.assess(boss, family, [(criteria[0], Assessment.NOT_MET, "")])
        services.take_step(boss, family, "decline", reason="no")
    make_family("active")
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    funnel = page.context["report"]["funnel"]
    assert funnel["declined"] == 2 and funnel["declined_reasons"] == {criteria[0].code: 2}
    assert f"criterion not met: {criteria[0].label}</th><td>2</td>" in page.content.decode()


def test_the_profile_counts_ages_and_years_in_the_country_in_bands(
    make_family, coordinator, login, project, clock
):
    make_family(
        "active",
        members=[
            make_person(arrival_date=datetime.date(2014, 1, 1)),  # 12 years: over 10
            make_person(PersonRole.CHILD, "Omar", birth="2007-01-01"),  # 19: a child over 18
            make_person(PersonRole.CHILD, "Lina", birth="2020-05-01"),
        ],
    )
    make_family("active", members=[make_person(arrival_date=datetime.date(2019, 1, 1))])
    profile = (
        login(coordinator)
        .get(reverse("reports:cohort"), {"projects": [project.pk]})
        .context["report"]["profile"]
    )
    assert profile["age_bands"] == {"6-11": 1, "18-24": 1, "40-59": 2}
    assert (profile["adults"], profile["children"], profile["children_over_18"]) == (3, 2, 1)
    assert profile["years_in_country"]["bands"] == {"6-10": 1, "11+": 1}
    assert (profile["years_in_country"]["over_5"], profile["years_in_country"]["over_10"]) == (2, 1)


def test_baseline_change_is_drawn_with_a_text_alternative(make_family, coordinator, login, project):
    from parcours.instruments.models import InstrumentVersion

    family = make_family("active")
    version = InstrumentVersion.objects.active("baseline")
    for day, score in ((datetime.date(2026, 2, 1), "3"), (datetime.date(2026, 5, 1), "6")):
        sheet = Response.objects.create(
            family=family,
            version=version,
            instrument="baseline",
            status="submitted",
            author=coordinator,
            submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        )
        Answer.objects.create(response=sheet, code="b08_wellbeing", value=score)
    figures.refresh([family.pk], part="instruments")  # as the services do
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    assert page.context["report"]["baseline_change"]["b08_wellbeing"]["mean_improvement"] == 3
    chart = page.context["baseline_chart"]
    assert chart["rows"][0]["width"] == 90 and chart["rows"][0]["x"] == chart["centre"]
    html = page.content.decode()
    assert "Mean change per item: " in html
    # The table names each item by its question, in full, not by its code.
    assert '<th scope="row">How is their general wellbeing?</th>' in html
    assert "<code>b08_wellbeing</code>" not in html


def test_the_evaluator_sees_no_name_of_the_demo_data(db, client):
    from parcours.accounts.models import User
    from parcours.cases.models import Family, Person
    from parcours.projects.models import Project

    call_command("demo", "--no-migrate", "--as-of", "2026-06-15", stdout=io.StringIO())
    verified_login(client, User.objects.get(username="evaluator"))
    demo = Project.objects.get(slug="demo")
    pages = [client.get(reverse("reports:cohort"), {"projects": [demo.pk]}).content.decode()]
    listing = client.get(reverse("reports:sheets"))
    pages.append(listing.content.decode())
    for response in listing.context["page"]:
        pages.append(client.get(reverse("reports:sheet", args=[response.pk])).content.decode())
    assert len(pages) > 10 and "<svg" in pages[0]
    words = {p.given_name for p in Person.objects.all()} | {
        p.family_name for p in Person.objects.all()
    }
    words |= set(Family.objects.exclude(case_number="").values_list("case_number", flat=True))
    # Names of three letters or fewer also spell interface words ("Man" is Dutch for male).
    words = {w for w in words if len(w) > 3}
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    for page in pages:
        found = pattern.search(page)
        assert not found, page[found.start() - 80 : found.end() + 80]


def test_an_evaluator_downloads_a_projects_sheets_under_pseudonyms(
    twelve,  # noqa: F811
    sheet_with_barrier,
    evaluator,
    outsider,
    login,
    project,
):
    query = {"project": project.pk, "instrument": "client_summary_sheet", "format": "csv"}
    response = login(evaluator).get(reverse("reports:sheets"), query)
    text = response.getvalue().decode()  # streamed: written row by row
    assert response["Content-Type"].startswith("text/csv")
    assert text.count("\nP-") == 12 and "cm_trust" in text.splitlines()[0]
    assert BARRIER not in text and "c1_barriers" not in text
    for name in _names(twelve):
        assert name not in text
    assert AuditEvent.objects.filter(user=evaluator, action="export").exists()
    assert login(outsider).get(reverse("reports:sheets"), query).status_code == 404


def test_only_a_coordinator_of_its_project_deletes_a_round(
    coordinator, evaluator, outsider, login, project
):
    chosen = Round.objects.create(
        project=project,
        name="Q1",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        created_by=coordinator,
    )
    url = reverse("reports:round_delete", args=[chosen.pk])
    for user in (evaluator, outsider):
        assert login(user).post(url).status_code == 404
    assert Round.objects.filter(pk=chosen.pk).exists()
    assert login(coordinator).post(url).status_code == 302
    assert not Round.objects.exists()


def test_each_family_counts_with_its_latest_sheet_with_or_without_a_period(
    twelve,  # noqa: F811
    coordinator,
    project,
):
    """Two sheets of one family in one file share their moment: the later row is the latest,
    whether the report reads the sheets kept as latest (no period) or looks for them."""
    from parcours.instruments.models import LatestSheet
    from parcours.instruments.transfer import import_responses
    from parcours.reports.cohort import Cohort, compute
    from tests.reports.test_seed_tables import IMPACT

    code = "cm_trust"
    first = Answer.objects.filter(response__family=twelve[0], code=code).first()
    before = compute(Cohort([project]))["questions"][code]["counts"]
    case = twelve[0].case_number
    rows = f"case,{code}\n{case},{IMPACT[0]}\n{case},{IMPACT[4]}\n"
    import_responses(
        Actor(coordinator), "client_summary_sheet", project, "again.csv", rows.encode()
    )
    expected = dict(before)
    expected[first.value if first else "no_answer"] -= 1
    expected[IMPACT[4]] += 1
    today = timezone.localdate()
    for cohort in (
        Cohort([project]),
        Cohort([project], period_from=today - datetime.timedelta(days=1), period_to=today),
    ):
        report = compute(cohort)
        assert report["n_sheets"] == 12
        assert report["questions"][code]["counts"] == expected
    latest = LatestSheet.objects.get(family=twelve[0], instrument="client_summary_sheet")
    assert Answer.objects.get(response_id=latest.response_id, code=code).value == IMPACT[4]
