"""The report's five outputs from one result, who may read it, and bad input."""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from parcours.instruments.transfer import import_responses
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditEvent
from parcours.reports.workbook import TRAILING
from tests.conftest import consent_to_evaluation
from tests.reports.test_seed_tables import seed_csv


@pytest.fixture
def twelve(make_family, coordinator, project):
    families = [make_family("active") for _ in range(12)]
    for family in families:
        consent_to_evaluation(family, coordinator)
    import_responses(
        Actor(coordinator),
        "client_summary_sheet",
        project,
        "seed.csv",
        seed_csv([f.case_number for f in families]).encode(),
    )
    return families


def _get(client, **params):
    return client.get(reverse("reports:cohort"), {"projects": [1], **params})


def _unhyphenated(pages) -> str:
    """The text of the pages, words hyphenated across lines (as narrow columns are) joined."""
    return re.sub(r"[-\u2010\u00ad]\s*\n\s*", "", "\n".join(pages))


def test_the_pdf_opens_and_holds_the_tables(twelve, coordinator, login, project):
    response = login(coordinator).get(
        reverse("reports:cohort"), {"projects": [project.pk], "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = _unhyphenated([page.extract_text() for page in reader.pages])
    assert len(reader.pages) >= 2 and "Cohort report" in text
    assert "Positive" in text and "75%" in text and "42%" in text and "83%" in text
    assert AuditEvent.objects.filter(action="export", object_type="projects.project").exists()


def test_the_xlsx_agrees_with_the_json(twelve, coordinator, login, project):
    client = login(coordinator)
    data = json.loads(
        client.get(reverse("reports:cohort"), {"projects": [project.pk], "format": "json"}).content
    )
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:cohort"), {"projects": [project.pk], "format": "xlsx"}
            ).content
        )
    )
    rows = list(book["data"].iter_rows(min_row=2, values_only=True))
    for _section, code, choice, count, percent in rows:
        if not choice:  # a section's figure, key and value
            continue
        if choice == "positive":
            assert percent == pytest.approx(data["questions"][code]["positive_percent"])
            continue
        assert count == data["questions"][code]["counts"][choice]
        assert isinstance(count, int)  # numbers stored as numbers
        assert percent == pytest.approx(data["questions"][code]["percent"][choice])
    assert data["n_sheets"] == 12 and set(data) >= {
        "n_sheets",
        "families",
        "questions",
        "funnel",
        "profile",
        "engagement",
        "outcomes",
        "baseline_change",
    }


def test_csv_and_html_come_from_the_same_result(twelve, coordinator, login, project):
    client = login(coordinator)
    csv_text = client.get(
        reverse("reports:cohort"), {"projects": [project.pk], "format": "csv"}
    ).content.decode()
    assert "cluster3,c3_housing,no,11," in csv_text
    page = client.get(reverse("reports:cohort"), {"projects": [project.pk]}).content.decode()
    assert "Has their housing situation improved?" in page and "92%" in page


def test_an_evaluator_reads_the_report_without_names_or_free_text(
    twelve, evaluator, login, project, coordinator
):
    client = login(evaluator)
    page = client.get(reverse("reports:cohort"), {"projects": [project.pk]})
    html = page.content.decode()
    assert page.status_code == 200 and "Positive impact" in html
    assert not any(page.context["report"]["barriers"].values())  # nothing released
    for family in twelve:
        for person in family.members.all():
            assert person.given_name not in html and person.family_name not in html
        assert family.case_number not in html


@pytest.mark.parametrize("who", ["case_manager", "administrator", "outsider"])
def test_others_may_not_read_the_report(request, who, twelve, login, project):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("reports:cohort"), {"projects": [project.pk]}).status_code in (
        404,
        200,
    )
    response = client.get(reverse("reports:cohort"), {"projects": [project.pk], "format": "json"})
    assert response.status_code == 404 or "projects" in response.context["form"].errors


def test_a_period_that_ends_before_it_starts_is_named(coordinator, login, project):
    response = login(coordinator).get(
        reverse("reports:cohort"),
        {"projects": [project.pk], "admitted_from": "2026-05-01", "admitted_to": "2026-01-01"},
    )
    assert "admitted_to" in response.context["form"].errors


def test_an_empty_cohort_says_so(coordinator, login, project):
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    assert "nothing to count yet" in page.content.decode()
    assert page.context["report"]["questions"]["cm_trust"]["percent"]["some"] == 0.0


def test_the_command_writes_each_format_and_masks_for_outside(twelve, tmp_path, project):
    for fmt in ("json", "csv", "xlsx", "pdf", "html"):
        out = tmp_path / f"report.{fmt}"
        call_command(
            "report", "--project", "pt", "--format", fmt, "-o", str(out), stdout=io.StringIO()
        )
        assert out.stat().st_size > 100
    out = tmp_path / "outside.json"
    call_command(
        "report",
        "--project",
        "pt",
        "--format",
        "json",
        "--outside",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    data = json.loads(out.read_text())
    assert data["questions"]["cm_trust"]["counts"]["none"] == "<5"  # 2 sheets
    assert data["questions"]["c1_more_information"]["counts"]["yes"] == 12
    assert "barriers" not in data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "nope"], "--project nope"),
        (["--project", "pt", "--from", "2026-05-01", "--to", "2026-01-01"], "ends before"),
    ],
)
def test_the_command_names_bad_arguments(project, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "--format", "json", "-o", str(tmp_path / "r.json"))


def test_the_cohort_filters_by_status_and_counts_vulnerabilities(
    twelve, make_family, coordinator, login, project
):
    from parcours.cases import services
    from parcours.privacy.audit import Actor as A

    closed = twelve[0]
    services.take_step(
        A(coordinator),
        closed,
        "close",
        closed_on=closed.admitted_on,
        resolution="none",
        engagement_at_closure="stopped_participating",
    )
    client = login(coordinator)
    page = client.get(reverse("reports:cohort"), {"projects": [project.pk], "statuses": ["closed"]})
    report = page.context["report"]
    assert (report["families"], report["n_sheets"]) == (1, 1)
    assert report["outcomes"]["stopped_participating"] == 1
    everyone = client.get(reverse("reports:cohort"), {"projects": [project.pk]})
    assert everyone.context["report"]["profile"]["vulnerabilities"] == {}


def test_profile_charts_have_a_text_alternative(twelve, coordinator, login, project):
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    charts = {c["title"]: c for c in page.context["charts"]}
    assert set(charts) >= {"Children per family", "Status at entry"}
    html = page.content.decode()
    assert 'aria-label="Children per family: 1 100%"' in html  # twelve families of one child


def test_bands_keep_their_natural_order_and_labels_are_never_cut(db):
    from parcours.reports.render import baseline_chart, charts

    report = {
        "profile": {
            "age_bands": {"0-5": 2, "12-17": 1, "40-59": 3, "6-11": 4},
            "years_in_country": {"bands": {"11+": 1, "1-5": 2, "0": 1}},
            "children_per_family": {"10": 1, "2": 3, "0": 1},
            "status_at_entry": {"undocumented": 2, "asylum_seeker": 1},
        }
    }
    found = {c["title"]: [r["label"] for r in c["rows"]] for c in charts(report)}
    assert found["Age"] == ["0-5", "6-11", "12-17", "40-59"]
    assert found["Years in the country"] == ["0 years", "1-5 years", "11+ years"]
    assert found["Children per family"] == ["0", "2", "10"]

    change = {"b01_dropout_risk": {"families": 3, "mean_improvement": 1.5, "improved": 2}}
    row = baseline_chart(change, "fr")["rows"][0]
    assert row["label"] == "Comment évaluez-vous le risque que la famille quitte le programme ?"
    assert " ".join(row["lines"]) == row["label"] and len(row["lines"]) == 2


def test_the_report_says_what_it_counts_in_a_whole_sentence(twelve, coordinator, login, project):
    page = login(coordinator).get(reverse("reports:cohort"), {"projects": [project.pk]})
    html = page.content.decode()
    assert "Each family counts with its latest sheet." in html
    assert "…</tspan>" not in html


def test_the_xlsx_is_the_report_in_the_readers_language(twelve, coordinator, login, project):
    client = login(coordinator)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("reports:cohort"), {"projects": [project.pk]}).content.decode()
    response = client.get(reverse("reports:cohort"), {"projects": [project.pk], "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    headings = [html.unescape(h) for h in re.findall(r"<h2>([^<]+)</h2>", page)]
    names = [" ".join(re.sub(r"[:/]", " ", h).split())[:31].rstrip(TRAILING) for h in headings]
    assert book.sheetnames[1:] == [*names, "data"]
    cohort = book[book.sheetnames[2]]  # Cohort: its table, then each picture's figures
    assert cohort["A1"].value == headings[1] and cohort["A1"].font.b
    labels = [row[0].value for row in cohort.iter_rows()]
    assert "Statut à l\u2019entrée" in labels  # a picture's title, its figures below
    questions = book[book.sheetnames[3]]  # the case-management questions
    header = next(r for r in questions.iter_rows() if r[0].font.b and r[1].value)
    assert questions.freeze_panes == f"A{header[0].row + 1}"  # the header row stays in view
    percents = [c for r in questions.iter_rows() for c in r if c.number_format == "0%"]
    assert percents and all(isinstance(c.value, float) and 0 <= c.value <= 1 for c in percents)
    assert questions.column_dimensions["A"].width >= 40


def test_every_figure_of_the_xlsx_is_a_number_cell(twelve, coordinator, login, project):
    """A count and its share, a mean and a median: each in a cell of its own, as a number
    (no "47 (7)" or "10 / 3" written as text)."""
    client = login(coordinator)
    response = client.get(reverse("reports:cohort"), {"projects": [project.pk], "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    texts = [
        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for sheet in book.worksheets
        if sheet.title != "data"
        for row in sheet.iter_rows(min_col=2)
        for cell in row
        if isinstance(cell.value, str) and re.search(r"\d", cell.value)
    ]
    assert texts == []


def test_the_pdf_reads_well_on_paper(twelve, coordinator, login, project):
    """No page holds the title alone; every table fits (its last column's header is there
    whole, wrapped or not); each page says what cohort it counts and its number; no page ends
    on a heading."""
    client = login(coordinator)
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("reports:cohort"), {"projects": [project.pk], "format": "pdf"})
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    assert "Doorverwijzingen" in pages[0] and "Profiel van het cohort" in pages[0]
    joined = " ".join(_unhyphenated(pages).split())
    assert "Positieve impact (%)" in joined  # wrapped within its column, never cut
    headings = {"Doorverwijzingen", "Profiel van het cohort", "Informatie over casemanagement"}
    for number, text in enumerate(pages, start=1):
        assert "Cohort van 12 gezinnen" in text, number
        assert f"{number} / {len(pages)}" in text
        body = [line for line in text.splitlines() if line.strip() and "Cohort van" not in line]
        assert body[-1].strip() not in headings, f"page {number} ends on a heading"
