"""Templates, imports and exports of sheets from the command line."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import load_workbook

from parcours.cases.models import Family
from parcours.instruments.models import Answer, Response
from tests.conftest import consent_to_evaluation

CODES = [
    "cm_procedures",
    "cm_risk",
    "cm_trust",
    "c1_more_information",
    "c2_initiative",
    "p04_vulnerabilities",
    "p02_age",
    "c1_barriers",
]


@pytest.fixture
def twelve(make_family, coordinator, case_manager):
    families = []
    for _ in range(12):
        families.append(make_family("active"))
        consent_to_evaluation(families[-1], coordinator)
    return families


def _csv(rows, header=("case", *CODES)):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _rows(families):
    impact = [
        "none",
        "limited",
        "some",
        "some",
        "huge",
        "some",
        "some",
        "huge",
        "some",
        "some",
        "huge",
        "some",
    ]
    return [
        [
            f.case_number,
            impact[i],
            "some",
            "none",
            "yes",
            "no" if i % 4 == 0 else "yes",
            "child stateless" if i % 2 else "child",
            str(30 + i),
            f"Barrier {i}",
        ]
        for i, f in enumerate(families)
    ]


def _import(tmp_path, text, name="sheets.csv", *extra):
    path = tmp_path / name
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    out = io.StringIO()
    call_command(
        "import_responses",
        "--instrument",
        "client_summary_sheet",
        "--project",
        "pt",
        str(path),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_export_after_import_gives_back_the_values(tmp_path, twelve):
    rows = _rows(twelve)
    assert "Imported 12 sheet(s)" in _import(tmp_path, _csv(rows))
    assert Response.objects.filter(status="submitted", imported=True).count() == 12
    out = tmp_path / "out.csv"
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
    exported = list(csv.DictReader(out.open()))
    assert len(exported) == 12
    by_case = {r["case"]: r for r in exported}
    for row in rows:
        got = by_case[row[0]]
        assert [got[c] for c in CODES] == row[1:]
    assert by_case[rows[0][0]]["cm_risk"] == "some" and by_case[rows[0][0]]["p16_notes"] == ""


def test_the_same_file_twice_adds_nothing(tmp_path, twelve):
    text = _csv(_rows(twelve))
    _import(tmp_path, text)
    assert "Imported 0 sheet(s); 12 already there" in _import(tmp_path, text)
    assert Response.objects.count() == 12


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: rows[3].__setitem__(0, "PT-1999-999"), "row 5, column case, 'PT-1999-999'"),
        (
            lambda rows: rows[2].__setitem__(1, "enormous"),
            "row 4, column cm_procedures, 'enormous'",
        ),
        (lambda rows: rows[0].__setitem__(7, "300"), "row 2, column p02_age, '300'"),
        (lambda rows: rows[1].__setitem__(6, "child wizard"), "row 3, column p04_vulnerabilities"),
        (lambda rows: rows[5].__setitem__(0, ""), "row 7, column case: empty"),
    ],
)
def test_a_bad_cell_stops_the_import_and_is_named(tmp_path, twelve, mutate, message):
    rows = _rows(twelve)
    mutate(rows)
    with pytest.raises(CommandError) as refused:
        _import(tmp_path, _csv(rows))
    assert message in str(refused.value)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_case_number_of_another_project_is_no_case_of_this_one(
    tmp_path, twelve, make_family, other_project, outsider
):
    elsewhere = make_family("referred", project=other_project, by=outsider)
    Family.objects.filter(pk=elsewhere.pk).update(case_number="OT-2026-001")
    rows = _rows(twelve)
    rows[0][0] = "OT-2026-001"
    with pytest.raises(CommandError) as refused:
        _import(tmp_path, _csv(rows))
    assert "row 2, column case, 'OT-2026-001': no such case in pt" in str(refused.value)
    assert not Response.objects.exists()


def test_a_sheet_deleted_takes_its_answers_with_it(tmp_path, twelve):
    """The answers' link to their sheet has no constraint in the database: Django deletes
    them with it."""
    _import(tmp_path, _csv(_rows(twelve)))
    sheet = Response.objects.get(family=twelve[0])
    assert sheet.answers.count() == len(CODES)
    sheet.delete()
    assert not Answer.objects.filter(response_id=sheet.pk).exists()
    assert Answer.objects.count() == 11 * len(CODES)


def test_an_unknown_column_is_refused(tmp_path, twelve):
    with pytest.raises(CommandError, match="column 'favourite_colour'"):
        _import(tmp_path, _csv([[twelve[0].case_number, "blue"]], ("case", "favourite_colour")))
    assert not Response.objects.exists()


def test_a_kobotoolbox_export_of_the_same_form_imports(tmp_path, twelve):
    header = [
        "start",
        "end",
        "case",
        "profile/p02_age",
        "profile/p04_vulnerabilities",
        "profile/p04_vulnerabilities/child",
        "profile/p04_vulnerabilities/stateless",
        "case_management/cm_procedures",
        "_id",
        "_uuid",
        "_submission_time",
        "__version__",
    ]
    rows = [
        [
            "2026-01-01",
            "2026-01-01",
            f.case_number,
            "41",
            "child stateless",
            "1",
            "1",
            "huge",
            str(7 + i),
            f"5d1c0a2e-0000-4000-8000-00000000000{i}",
            "2026-01-02T09:15:00",
            "v1",
        ]
        for i, f in enumerate(twelve[:3])
    ]
    assert "Imported 3 sheet(s)" in _import(tmp_path, _csv(rows, header))
    answer = Answer.objects.filter(code="p04_vulnerabilities").first()
    assert answer.value == "child stateless"


def test_an_xlsx_file_with_real_numbers_imports(tmp_path, twelve):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["case", "p02_age", "cm_trust"])
    book.active.append([twelve[0].case_number, 42, "none"])
    data = io.BytesIO()
    book.save(data)
    assert "Imported 1" in _import(tmp_path, data.getvalue(), "sheets.xlsx")
    assert Answer.objects.get(code="p02_age").value == "42"


def test_a_pseudonymised_export_holds_no_case_number_and_no_free_text(tmp_path, twelve):
    _import(tmp_path, _csv(_rows(twelve)))
    out = tmp_path / "out.xlsx"
    call_command(
        "export_responses",
        "--instrument",
        "client_summary_sheet",
        "--project",
        "pt",
        "--pseudonymise",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert "c1_barriers" not in header and "p16_notes" not in header
    cells = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(f.case_number in cells for f in twelve)
    assert all(c.startswith("P-") for c in (str(r[0].value) for r in sheet.iter_rows(min_row=2)))
    ages = [r[header.index("p02_age")].value for r in sheet.iter_rows(min_row=2)]
    assert all(isinstance(a, int) for a in ages)  # numbers stored as numbers


def test_the_template_has_codes_labels_and_choices(tmp_path, db):
    out = tmp_path / "css.xlsx"
    call_command(
        "export_template",
        "--instrument",
        "client_summary_sheet",
        "--language",
        "fr",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    book = load_workbook(out)
    rows = list(book["data"].iter_rows(values_only=True))
    assert rows[0][:3] == ("case", "p01_gender", "p02_age") and rows[1][2] == "Âge"
    choices = list(book["choices"].iter_rows(values_only=True))
    assert ("impact", "some", "Un certain impact") in choices


def test_a_filled_template_imports_skipping_its_label_row(tmp_path, twelve, db):
    out = tmp_path / "css.xlsx"
    call_command(
        "export_template",
        "--instrument",
        "client_summary_sheet",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    book = load_workbook(out)
    header = [c.value for c in book["data"][1]]
    row = [""] * len(header)
    row[0], row[header.index("cm_risk")] = twelve[0].case_number, "huge"
    book["data"].append(row)
    book.save(out)
    assert "Imported 1" in _import(tmp_path, out.read_bytes(), "css.xlsx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "nope", "x.csv"], "--project 'nope'"),
        (["--project", "pt", "/no/such/file.csv"], "no such file"),
    ],
)
def test_import_arguments_are_checked(project, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_responses", "--instrument", "baseline", *args)


def test_export_needs_a_csv_or_xlsx_name(project):
    with pytest.raises(CommandError, match=r"must end in \.csv or \.xlsx"):
        call_command(
            "export_responses", "--instrument", "baseline", "--project", "pt", "-o", "out.pdf"
        )


def test_an_export_holds_one_chunk_of_sheets_at_a_time(tmp_path, twelve, monkeypatch):
    """Streamed: the rows come while the sheets are read a chunk at a time, never all at once
    (counted in sheets held, not timed)."""
    from django.db.models.signals import post_init

    from parcours.instruments import transfer

    _import(tmp_path, _csv(_rows(twelve)))
    monkeypatch.setattr(transfer, "EXPORT_CHUNK", 5)
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance.pk)

    post_init.connect(count, sender=Response)
    try:
        _header, rows = transfer.export_rows(
            "client_summary_sheet", twelve[0].project, pseudonymise=False
        )
        first = next(rows)
        assert first[0] == twelve[0].case_number and len(loaded) == 5  # one chunk, not twelve
        assert len(list(rows)) == 11 and len(loaded) == 12
    finally:
        post_init.disconnect(count, sender=Response)
    path = tmp_path / "all.xlsx"
    out = io.StringIO()
    call_command(
        "export_responses",
        "--instrument",
        "client_summary_sheet",
        "--project",
        "pt",
        "-o",
        str(path),
        stdout=out,
    )
    assert "Wrote 12 sheet(s)" in out.getvalue()
    assert load_workbook(path).active.max_row == 13


def test_an_import_reads_and_saves_a_chunk_at_a_time(tmp_path, twelve, monkeypatch):
    """Streamed: the file's rows are read as they are checked, case numbers looked up a chunk
    at a time, and sheets saved a chunk at a time (counted in objects held, not timed); the
    free text is sealed as the model seals it."""
    from django.db.models.signals import post_init

    from parcours.instruments import transfer

    monkeypatch.setattr(transfer, "LOOKUP_CHUNK", 5)
    monkeypatch.setattr(transfer, "STORE_CHUNK", 5)
    lookups, saved = [], []
    real_filter = transfer.Family.objects.filter

    def counted_filter(*args, **kwargs):
        if "case_number__in" in kwargs:
            lookups.append(len(kwargs["case_number__in"].params))  # the chunk's keys
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(transfer.Family.objects, "filter", counted_filter)
    real_insert = transfer.insert_objects

    def counted_insert(model, objects):
        objects = list(objects)
        if model is transfer.Response:
            saved.append(len(objects))
        return real_insert(model, objects)

    monkeypatch.setattr(transfer, "insert_objects", counted_insert)
    made = []

    def count(sender, instance, **kwargs):
        made.append(instance)

    post_init.connect(count, sender=Answer)
    try:
        assert "Imported 12 sheet(s)" in _import(tmp_path, _csv(_rows(twelve)))
    finally:
        post_init.disconnect(count, sender=Answer)
    assert lookups == [5, 5, 2] and saved == [5, 5, 2]
    assert made == []  # no Answer instance built: the rows go to the database as they are
    barrier = Answer.objects.get(code="c1_barriers", response__family=twelve[3])
    assert barrier.text == "Barrier 3"  # sealed in bulk, opened by the model


def test_a_fingerprint_is_the_canonical_json_of_family_instrument_and_answers():
    """Sheets stored before fingerprints were written around the packed answers must still be
    recognised: the same digest as hashing the whole canonical document."""
    import hashlib
    import json
    import uuid

    from parcours.instruments.transfer import fingerprint

    family = uuid.uuid4()
    answers = {"p02_age": "30", "p04_vulnerabilities": ["child", "stateless"], "é": "ü"}
    document = json.dumps({"f": str(family), "i": "baseline", "a": answers}, sort_keys=True)
    assert fingerprint(family, "baseline", answers) == hashlib.sha256(document.encode()).hexdigest()


def test_an_import_takes_the_statistics_of_the_tables_it_grew_only(tmp_path, twelve):
    """The planner reads fresh statistics of the sheets after a bulk load; the other tables
    (a million contacts at volume) are not analysed again for it."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's statistics are its own business (autovacuum)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1")
    _import(tmp_path, _csv(_rows(twelve)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {table for (table,) in cursor.fetchall()}
    assert {"instruments_answer", "instruments_response"} <= analysed
    assert "cases_family" not in analysed and "casework_contact" not in analysed
