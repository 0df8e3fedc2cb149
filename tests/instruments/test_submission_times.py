"""Every export's time of submission read in its real zone: KoboToolbox's ``_submission_time``
is UTC without saying so (kobotoolbox/kpi#3941), ODK Central writes a ``Z``, a phone's ``end``
carries its offset, ours carries ours, a date alone is noon local time. Times near midnight
and the two changes of clock in Brussels, where a wrong zone moves a sheet to another day."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.instruments.models import Response

UTC = datetime.UTC


def _import(tmp_path, family, columns: dict, instrument="client_summary_sheet") -> str:
    header = ["case", "p02_age", *columns]
    out = io.StringIO()
    csv.writer(out).writerows([header, [family.case_number, "40", *columns.values()]])
    path = tmp_path / "sheets.csv"
    path.write_text(out.getvalue())
    printed = io.StringIO()
    call_command(
        "import_responses", "--instrument", instrument, "--project", "pt", str(path),
        stdout=printed,
    )  # fmt: skip
    return printed.getvalue()


def _stored(family) -> datetime.datetime:
    return Response.objects.get(family=family).submitted_at.astimezone(UTC)


@pytest.mark.parametrize(
    ("columns", "utc", "local_day"),
    [
        # KoboToolbox: UTC without an offset. 23:30 UTC on the night the clocks go forward
        # (29 March 2026) is 00:30 in Brussels: the 29th, not the 28th.
        ({"_submission_time": "2026-03-28T23:30:00"}, (2026, 3, 28, 23, 30), (2026, 3, 29)),
        # …and on the night they go back (25 October 2026), 22:30 UTC is 00:30 CEST.
        ({"_submission_time": "2026-10-24T22:30:00"}, (2026, 10, 24, 22, 30), (2026, 10, 25)),
        # Its variant spelled with "submitted".
        ({"_submitted_at": "2026-01-31T23:15:00"}, (2026, 1, 31, 23, 15), (2026, 2, 1)),
        # ODK Central: as written, with its Z, beside a phone's "end" that it outranks.
        (
            {"SubmissionDate": "2026-03-29T00:59:59.000Z", "end": "2026-03-29T01:10:00+01:00"},
            (2026, 3, 29, 0, 59, 59),
            (2026, 3, 29),
        ),
        # A phone's end with its offset: in the hour that happens twice (25 October).
        ({"end": "2026-10-25T02:30:00.000+01:00"}, (2026, 10, 25, 1, 30), (2026, 10, 25)),
        ({"end": "2026-10-25T02:30:00.000+02:00"}, (2026, 10, 25, 0, 30), (2026, 10, 25)),
        # A phone's end without an offset is the phone's clock: local time.
        ({"end": "2026-06-30T23:45:00"}, (2026, 6, 30, 21, 45), (2026, 6, 30)),
        # Ours, written with its offset by export-responses.
        ({"submitted_at": "2026-12-31T23:30:00+00:00"}, (2026, 12, 31, 23, 30), (2027, 1, 1)),
    ],
)
def test_each_export_kind_is_read_in_its_zone(tmp_path, make_family, columns, utc, local_day):
    family = make_family("active")
    out = _import(tmp_path, family, columns)
    assert "Imported 1 sheet(s)" in out
    stored = _stored(family)
    assert stored == datetime.datetime(*utc, tzinfo=UTC)
    assert timezone.localtime(stored).date() == datetime.date(*local_day)
    assert "noon" not in out


def test_a_date_alone_is_noon_local_time_and_the_summary_says_so(tmp_path, make_family):
    family = make_family("active")
    out = _import(tmp_path, family, {"_submission_time": "2026-03-29"})
    # Noon in Brussels on the day the clocks go forward is 10:00 UTC (summer time).
    assert _stored(family) == datetime.datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert "1 sheet had a date of submission without a time: dated at noon" in out
    assert "Europe/Brussels" in out


def test_an_export_read_back_keeps_its_times(tmp_path, make_family):
    """export-responses then import-responses on another installation: the same instant."""
    family = make_family("active")
    _import(tmp_path, family, {"_submission_time": "2026-10-24T22:30:00"})
    exported = tmp_path / "out.csv"
    call_command(
        "export_responses", "--instrument", "client_summary_sheet", "--project", "pt",
        "--output", str(exported),
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    moment = datetime.datetime.fromisoformat(rows[0]["submitted_at"])
    assert moment == datetime.datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
