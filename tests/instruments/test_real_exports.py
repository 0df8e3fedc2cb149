"""Exports from KoboToolbox and ODK Central, shaped as those tools write them, import as they
come: group paths, split several-choice columns, metadata, their time stamps and instance IDs,
rejected submissions, several sheets of one family, edits; labels-as-headers exports named."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from parcours.cases import figures
from parcours.instruments.models import BaselineScore, LatestSheet, Response
from parcours.instruments.services import answers_of
from tests.instruments.test_xlsforms import BASELINE

VULNERABILITIES = ["child", "pregnant_or_nursing", "stateless", "elderly"]


@pytest.fixture
def three(make_family):
    return [make_family("active") for _ in range(3)]


def _write(rows, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _import(tmp_path, data, name, instrument="client_summary_sheet", *extra):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command(
        "import_responses",
        "--instrument",
        instrument,
        "--project",
        "pt",
        str(path),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _kobo_css(families, validation=("", "", "")) -> bytes:
    """KoboToolbox, "XML values and headers", group separator "/", several choices both as one
    column and split into 0/1 columns, ";" as the CSV separator."""
    header = [
        "start",
        "end",
        "case",
        "profile/p02_age",
        "profile/p04_vulnerabilities",
        *(f"profile/p04_vulnerabilities/{v}" for v in VULNERABILITIES),
        "case_management/cm_procedures",
        "meta/instanceID",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
    ]
    rows = [header]
    for i, family in enumerate(families):
        uuid = f"0b7d9e42-5c1a-4f7e-9b1e-00000000000{i}"
        rows.append(
            [
                f"2026-03-0{i + 1}T09:00:00.000+01:00",
                f"2026-03-0{i + 1}T09:40:00.000+01:00",
                family.case_number,
                str(40 + i),
                "child stateless",
                "1",
                "0",
                "1",
                "0",
                "huge",
                f"uuid:{uuid}",
                str(101 + i),
                uuid,
                f"2026-03-0{i + 1}T09:41:12",
                validation[i],
                "[]",
                "submitted_via_web",
                "sara",
                "vQ2cx9",
                "[]",
                str(i + 1),
            ]
        )
    return _write(rows, delimiter=";")


def test_a_kobotoolbox_export_imports_as_it_comes(tmp_path, three):
    out = _import(
        tmp_path,
        _kobo_css(three, ("validation_status_approved", "", "validation_status_not_approved")),
        "kobo.csv",
    )
    assert "Imported 2 sheet(s)" in out
    assert "1 rejected or not approved submission skipped" in out
    skipped = next(line for line in out.splitlines() if line.startswith("Columns not imported"))
    assert "_id" in skipped and "_submission_time" not in skipped  # read, so not left out
    first = Response.objects.get(family=three[0])
    answers = answers_of(first)
    assert answers["p02_age"] == "40" and answers["cm_procedures"] == "huge"
    assert answers["p04_vulnerabilities"] == ["child", "stateless"]
    # Dated when it was submitted (Brussels time in the export), never the day of the import.
    assert first.submitted_at.date() == datetime.date(2026, 3, 1)
    assert first.instance_id == "0b7d9e42-5c1a-4f7e-9b1e-000000000000"
    assert not Response.objects.filter(family=three[2]).exists()  # not approved
    # The same export again changes nothing.
    again = _import(tmp_path, _kobo_css(three, ("", "", "validation_status_not_approved")), "k.csv")
    assert "Imported 0 sheet(s); 2 already there" in again
    assert Response.objects.count() == 2


def _central_css(families, review=("received", "approved", "rejected"), ages=(40, 41, 42)):
    """ODK Central, CSV download: UTF-8 with a byte-order mark, group separator "-", several
    choices split into 0/1 columns only, its own metadata."""
    header = [
        "SubmissionDate",
        "start",
        "end",
        "case",
        "profile-p02_age",
        *(f"profile-p04_vulnerabilities/{v}" for v in VULNERABILITIES),
        "case_management-cm_procedures",
        "meta-instanceID",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ]
    rows = [header]
    for i, family in enumerate(families):
        rows.append(
            [
                f"2026-04-1{i}T08:30:00.000Z",
                f"2026-04-1{i}T10:00:00.000+02:00",
                f"2026-04-1{i}T10:25:00.000+02:00",
                family.case_number,
                str(ages[i]),
                "0",
                "1",
                "0",
                "1",
                "some",
                f"uuid:c3a1e7f0-1111-4c2b-8d3e-00000000000{i}",
                f"uuid:c3a1e7f0-1111-4c2b-8d3e-00000000000{i}",
                "5",
                "Sara",
                "0",
                "0",
                "",
                review[i],
                "collect:Xy12",
                "0",
                "2026.1",
            ]
        )
    return _write(rows, bom=True)


def test_an_odk_central_csv_zip_imports_as_it_comes(tmp_path, three):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("client_summary_sheet.csv", _central_css(three))
        z.writestr("media/", "")
    out = _import(tmp_path, archive.getvalue(), "client_summary_sheet.csv.zip")
    assert "Imported 2 sheet(s)" in out and "1 rejected" in out
    sheet = Response.objects.get(family=three[1])
    answers = answers_of(sheet)
    assert answers["p04_vulnerabilities"] == ["pregnant_or_nursing", "elderly"]
    assert answers["p02_age"] == "41" and answers["cm_procedures"] == "some"
    assert sheet.submitted_at == datetime.datetime(2026, 4, 11, 8, 30, tzinfo=datetime.UTC)


def test_an_edited_submission_corrects_its_sheet(tmp_path, three):
    _import(tmp_path, _central_css(three, review=("", "", "")), "c.csv")
    # Edited in Central: same KEY, new answers. Imported again, it corrects the sheet.
    edited = _central_css(three, review=("edited", "", ""), ages=(50, 41, 42))
    out = _import(tmp_path, edited, "c2.csv")
    assert "Imported 1 sheet(s); 2 already there" in out and "corrects an earlier sheet" in out
    sheets = Response.objects.filter(family=three[0]).order_by("created_at")
    assert [s.status for s in sheets] == ["superseded", "submitted"]
    assert answers_of(sheets[1])["p02_age"] == "50" and sheets[1].supersedes == sheets[0]


def test_kobotoolbox_edits_name_the_submission_they_replace(tmp_path, three):
    header = ["case", "p02_age", "meta/instanceID", "meta/deprecatedID", "_uuid"]
    first = _write([header, [three[0].case_number, "30", "uuid:aaa", "", "aaa"]])
    _import(tmp_path, first, "a.csv")
    edit = _write([header, [three[0].case_number, "31", "uuid:bbb", "uuid:aaa", "bbb"]])
    assert "corrects an earlier sheet" in _import(tmp_path, edit, "b.csv")
    assert Response.objects.get(status="submitted").instance_id == "bbb"


def test_an_export_that_still_holds_an_edited_original_stores_nothing_twice(tmp_path, three):
    """A KoboToolbox export made before an edit, imported after the edit's own export: the
    original is received already, corrected since; the edit of an edit likewise."""
    header = ["case", "p02_age", "meta/instanceID", "meta/deprecatedID", "_uuid"]
    case = three[0].case_number
    original = [case, "30", "uuid:aaa", "", "aaa"]
    edit = [case, "31", "uuid:bbb", "uuid:aaa", "bbb"]
    second_edit = [case, "32", "uuid:ccc", "uuid:bbb", "ccc"]
    _import(tmp_path, _write([header, original]), "1.csv")
    _import(tmp_path, _write([header, edit]), "2.csv")
    assert "Imported 0 sheet(s); 1 already there" in _import(
        tmp_path, _write([header, original]), "3.csv"
    )
    _import(tmp_path, _write([header, second_edit]), "4.csv")
    assert "Imported 0 sheet(s); 2 already there" in _import(
        tmp_path, _write([header, edit, original]), "5.csv"
    )
    sheets = Response.objects.filter(family=three[0])
    assert sheets.count() == 3
    assert sheets.get(status="submitted").instance_id == "ccc"


def test_a_baseline_export_with_two_rounds_and_its_note_column(tmp_path, three):
    """A cumulative export: two baselines of one family, the note as an empty column."""
    header = ["case", "intro", *BASELINE, "_submission_time", "_uuid"]
    rows = [header]
    for day, score, uuid in (("2026-05-02", "4", "r2"), ("2025-11-02", "2", "r1")):
        rows.append([three[0].case_number, "", *[score] * len(BASELINE), f"{day}T10:00:00", uuid])
    out = _import(tmp_path, _write(rows), "baseline.csv", "baseline")
    assert "Imported 2 sheet(s)" in out and "intro" in out
    sheets = Response.objects.filter(family=three[0]).order_by("submitted_at")
    assert [answers_of(s)["b01_dropout_risk"] for s in sheets] == ["2", "4"]
    assert [s.submitted_at.date().isoformat() for s in sheets] == ["2025-11-02", "2026-05-02"]
    pair = BaselineScore.objects.get(family=three[0], code="b01_dropout_risk")
    assert (pair.first, pair.latest, pair.scores) == (2, 4, 2)
    assert LatestSheet.objects.get(family=three[0], instrument="baseline").response == sheets[1]
    assert figures.differences() == []


def test_the_latest_sheet_follows_imports_whatever_order_the_sheets_come_in(tmp_path, three):
    """An import compares its sheets with each family's latest kept one: an older sheet that
    arrives later is not the latest; an edit of the latest replaces it."""
    header = ["case", "p02_age", "_submission_time", "meta/instanceID", "meta/deprecatedID"]
    first, second = three[0].case_number, three[1].case_number

    def latest(family):
        kept = LatestSheet.objects.get(family=family, instrument="client_summary_sheet")
        return kept.response.instance_id

    _import(
        tmp_path, _write([header, [first, "30", "2026-04-11T08:30:00", "uuid:apr", ""]]), "1.csv"
    )
    assert latest(three[0]) == "apr"
    older = [first, "31", "2026-01-02T08:30:00", "uuid:jan", ""]
    # Two sheets of one family in one file, the later one first; a sheet without a time of
    # submission is dated now, the latest of all.
    both = [[second, "40", "2026-05-01T10:00:00", "uuid:may", ""], [second, "41", "", "", ""]]
    _import(tmp_path, _write([header, older, *both]), "2.csv")
    assert latest(three[0]) == "apr"
    assert (
        Response.objects.get(family=three[1], instance_id="").pk
        == LatestSheet.objects.get(family=three[1]).response_id
    )
    assert figures.differences() == []
    edit = [first, "32", "2026-04-12T08:30:00", "uuid:apr2", "uuid:apr"]
    _import(tmp_path, _write([header, edit]), "3.csv")
    assert latest(three[0]) == "apr2"
    assert figures.differences() == []
    # An edit of an older sheet, dated before the latest: the latest stays.
    edit = [first, "33", "2026-01-03T08:30:00", "uuid:jan2", "uuid:jan"]
    _import(tmp_path, _write([header, edit]), "4.csv")
    assert latest(three[0]) == "apr2"
    assert figures.differences() == []


def test_a_labels_as_headers_export_says_how_to_export_instead(tmp_path, three):
    header = ["Case number", "Age", "Are there vulnerabilities?", "_id"]
    data = _write([header, [three[0].case_number, "40", "child", "1"]])
    with pytest.raises(CommandError, match="XML values and headers"):
        _import(tmp_path, data, "labels.csv")
    assert not Response.objects.exists()


def test_skip_unmatched_imports_the_known_cases_and_lists_the_rest(tmp_path, three):
    rows = [
        ["case", "p02_age"],
        [three[0].case_number, "40"],
        ["", "41"],
        ["PT-1999-999", "42"],
    ]
    with pytest.raises(CommandError, match="row 3, column case: empty"):
        _import(tmp_path, _write(rows), "s.csv")
    assert not Response.objects.exists()
    out = _import(tmp_path, _write(rows), "s.csv", "client_summary_sheet", "--skip-unmatched")
    assert "Imported 1 sheet(s)" in out
    assert "row 3, column case: empty" in out and "'PT-1999-999': no such case" in out


def test_messages_follow_the_language_asked_for(tmp_path, three, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr")
    with pytest.raises(CommandError, match="rien n\u2019a été importé"):
        _import(tmp_path, _write([["case", "p02_age"], ["PT-1999-999", "1"]]), "s.csv")


def test_a_coordinator_imports_an_export_on_its_page(three, coordinator, login, project):
    client = login(coordinator)
    url = reverse("instruments:import")
    assert "KoboToolbox" in client.get(url).content.decode()
    upload = SimpleUploadedFile("kobo.csv", _kobo_css(three))
    fields = {"project": project.pk, "instrument": "client_summary_sheet"}
    done = client.post(url, {**fields, "file": upload}, follow=True).content.decode()
    assert "Imported 3 sheet(s)" in done and "Columns not imported" in done and "_id" in done
    bad = SimpleUploadedFile("s.csv", _write([["case", "p02_age"], ["PT-1999-999", "1"]]))
    refused = client.post(url, {**fields, "file": bad}).content.decode()
    assert "Nothing was imported" in refused and "PT-1999-999" in refused
    assert Response.objects.count() == 3


@pytest.mark.parametrize("who", ["case_manager", "evaluator"])
def test_only_coordinators_import(request, who, login):
    assert login(request.getfixturevalue(who)).get(reverse("instruments:import")).status_code == 404


def test_a_coordinator_of_another_project_cannot_import_into_this_one(
    three, outsider, login, project
):
    upload = SimpleUploadedFile("kobo.csv", _kobo_css(three))
    page = login(outsider).post(
        reverse("instruments:import"),
        {"project": project.pk, "instrument": "client_summary_sheet", "file": upload},
    )
    assert "project" in page.context["form"].errors
    assert not Response.objects.exists()


def test_a_kobotoolbox_xlsx_export_imports_with_its_real_dates(tmp_path, three):
    from openpyxl import Workbook

    rows = list(csv.reader(io.StringIO(_kobo_css(three).decode()), delimiter=";"))
    book = Workbook()
    for row in rows[:2]:
        book.active.append(row)
    stamp = rows[1].index("2026-03-01T09:41:12")
    naive = datetime.datetime(2026, 3, 1, 9, 41, 12)  # noqa: DTZ001 (as Excel keeps it)
    book.active.cell(row=2, column=stamp + 1, value=naive)
    data = io.BytesIO()
    book.save(data)
    assert "Imported 1 sheet(s)" in _import(tmp_path, data.getvalue(), "kobo.xlsx")
    assert Response.objects.get().submitted_at.date() == datetime.date(2026, 3, 1)
