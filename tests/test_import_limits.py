"""Uploads and imports are refused above their limits before they are read: size, an XLSX's
unpacked size, and rows counted while streaming. The message names the file; nothing is written."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from parcours.instruments.models import InstrumentVersion, Response
from parcours.legal.models import TimelineEvent
from parcours.spreadsheets import SpreadsheetError, read_table


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    """A small, valid workbook with a member that unpacks to 30 MB (about 30 KB packed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx([["date", "type"]]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/worksheets/sheet2.xml", b"<row/>" * 5_000_000)
    return out.getvalue()


def test_a_file_over_the_size_limit_is_refused_by_name(settings):
    settings.PARCOURS_MAX_IMPORT_BYTES = 1000
    with pytest.raises(SpreadsheetError, match=r"big\.csv is 2\.0.KB; the largest file accepted"):
        read_table("big.csv", b"a,b\n" + b"1,2\n" * 500)


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused_unread():
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(SpreadsheetError, match=r"bomb\.xlsx unpacks to"):
        read_table("bomb.xlsx", data)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_rows_are_counted_while_reading(settings, suffix):
    settings.PARCOURS_MAX_IMPORT_ROWS = 100
    rows = [["case", "x"], *[[f"PT-{i}", i] for i in range(150)]]
    data = (
        "\n".join(",".join(map(str, r)) for r in rows).encode() if suffix == "csv" else _xlsx(rows)
    )
    with pytest.raises(SpreadsheetError, match=rf"many\.{suffix} has more than 100 rows"):
        read_table(f"many.{suffix}", data)
    _header, values = read_table(f"many.{suffix}", data, max_rows=200)
    assert len(values) == 150


def test_the_history_import_page_refuses_a_bomb_and_saves_nothing(make_family, case_manager, login):
    family = make_family("active")
    response = login(case_manager).post(
        reverse("legal:import", args=[family.pk]),
        {"file": SimpleUploadedFile("history.xlsx", _bomb())},
    )
    assert response.status_code == 200
    assert "history.xlsx unpacks to" in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_the_history_import_stops_at_its_row_limit(make_family, case_manager, login):
    family = make_family("active")
    text = "date,type\n" + "2020-01-01,arrival\n" * 5001
    response = login(case_manager).post(
        reverse("legal:import", args=[family.pk]),
        {"file": SimpleUploadedFile("history.csv", text.encode())},
    )
    assert "history.csv has more than 5000 rows" in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_an_instrument_version_upload_refuses_a_bomb(administrator, login):
    client = login(administrator)
    client.get(reverse("instruments:versions"))  # the shipped versions are in place
    before = InstrumentVersion.objects.count()
    response = client.post(
        reverse("instruments:versions"),
        {"instrument": "baseline", "file": SimpleUploadedFile("baseline.xlsx", _bomb())},
    )
    assert "unpacks to" in response.content.decode()
    assert InstrumentVersion.objects.count() == before


def test_the_import_commands_refuse_a_large_file_before_reading_it(
    tmp_path, settings, make_family, coordinator
):
    make_family("active")
    settings.PARCOURS_MAX_IMPORT_BYTES = 1000
    big = tmp_path / "sheets.csv"
    big.write_text("case,p02_age\n" + "PT-2026-001,42\n" * 200)
    with pytest.raises(CommandError, match=r"sheets\.csv is .* the largest file accepted"):
        call_command(
            "import_responses", "--instrument", "client_summary_sheet", "--project", "pt", big
        )
    assert not Response.objects.filter(imported=True).exists()
    with pytest.raises(CommandError, match=r"sheets\.csv is .* the largest file accepted"):
        call_command("import_cases", "--project", "pt", big)
    network = tmp_path / "export.json"
    network.write_text(json.dumps({"rows": ["x" * 2000]}))
    settings.PARCOURS_NETWORK_KEY = "k" * 43
    call_command("create_project", "--network", "--slug", "net", "--name", "Net")
    with pytest.raises(CommandError, match=r"export\.json is .* the largest file accepted"):
        call_command("import_evaluation", "--into", "net", network)


@pytest.mark.parametrize(
    "data",
    [
        '\ufeffcase;note\r\nPT-1;"two\r\nlines"\r\nPT-2;café\r\n'.encode(),
        'case,note\nPT-1,"two\r\nlines"\nPT-2,café'.encode(),
    ],
)
def test_a_csv_file_is_read_whatever_its_line_ends_mark_and_separator(data):
    # A byte-order mark (ODK Central), ";" (KoboToolbox), a quoted field over two lines, and
    # a last line without its end.
    header, rows = read_table("sheets.csv", data)
    assert header == ["case", "note"]
    assert rows == [["PT-1", "two\r\nlines"], ["PT-2", "café"]]


def test_a_csv_file_not_in_utf8_is_refused_before_any_row_is_read():
    data = b"case,note\n" + b"PT-1,fine\n" * 100_000 + "PT-2,café\n".encode("latin-1")
    with pytest.raises(SpreadsheetError, match="Save the CSV file as UTF-8"):
        read_table("sheets.csv", data)
