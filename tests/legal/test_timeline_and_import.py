"""The reconstructed timeline: merged, ordered, drawn; and imported from a spreadsheet."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from parcours.legal.models import LawyerAssignment, Procedure, TimelineEvent
from parcours.legal.svg import layout
from parcours.legal.timeline import entries
from tests.conftest import make_person

FAMILY_3 = """date,precision,type,person,description
2008-03,month,visa_issued,Amina;Karim,Tourist visas
2008-06,month,visa_expired,Amina;Karim,
2008,year,arrival,,
2009-12-15,day,application,,Regularisation campaign missed
2010-04-02,day,application,Karim,9bis request by the lawyer
2011-05-05,day,interview,Karim,
2014-09-01,day,lawyer_change,,New office
2016-02-10,day,order_to_leave,Amina,
2018-01-20,approximate,address_change,,
2020-11-30,day,decision,,Appeal rejected after 11 years
2021-03-01,day,return_house,Amina,
2021-05-01,day,release,Amina,
2024-06-01,day,document_expired,Karim,Identity card not renewed
2026-02-01,day,application,,A new regularisation request
"""


@pytest.fixture
def family_3(make_family):
    return make_family(
        "active",
        members=[
            make_person(given="Amina", birth="1984-02-02", arrival_date=datetime.date(2008, 3, 10)),
            make_person("parent", "Karim", birth="1980", sex="male"),
            make_person("child", "Sara", birth="2014-05-05"),
        ],
    )


def _import(client, family, text, name="history.csv"):
    return client.post(
        reverse("legal:import", args=[family.pk]), {"file": SimpleUploadedFile(name, text.encode())}
    )


def test_a_history_of_eighteen_years_imports_and_reads_in_order(
    clock, family_3, case_manager, login
):
    response = _import(login(case_manager), family_3, FAMILY_3)
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(family=family_3).count() == 14
    history = entries(family_3, datetime.date(2026, 6, 15))
    dates = [e.on for e in history]
    assert dates == sorted(dates) and len(history) >= 16  # births and arrivals merged in
    assert history[-1].on.year - min(e.on for e in history if e.kind != "birth").year >= 18
    karim = next(p for p in family_3.members.all() if p.given_name == "Karim")
    visa = TimelineEvent.objects.get(kind="visa_issued")
    assert set(visa.persons.all()) == {
        karim,
        next(p for p in family_3.members.all() if p.given_name == "Amina"),
    }
    assert visa.precision == "month"
    # The return-house stay and release are drawn as one period.
    stay = next(e for e in history if e.kind == "return_house")
    assert stay.until == datetime.date(2021, 5, 1)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2012-13-01,day,arrival,,", "Row 2, column date"),
        ("2012,century,arrival,,", "Row 2, column precision"),
        ("2012,year,landing,,", "Row 2, column type"),
        ("2012,year,arrival,Zorro,", "Row 2, column person"),
        ("2099-01-01,day,arrival,,", "more than a year in the future"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(family_3, case_manager, login, row, expected):
    text = "date,precision,type,person,description\n2010,year,arrival,,ok\n".replace(
        "2010,year,arrival,,ok\n", row + "\n2010,year,arrival,,ok\n"
    )
    response = _import(login(case_manager), family_3, text)
    assert expected in " ".join(response.context["errors"])
    assert not TimelineEvent.objects.exists()


def test_every_bad_row_is_reported_at_once(family_3, case_manager, login):
    text = "date,type\n2010,arrival\nnope,arrival\n2011,unknown\n"
    errors = _import(login(case_manager), family_3, text).context["errors"]
    assert any("Row 3" in e for e in errors) and any("Row 4" in e for e in errors)
    assert not TimelineEvent.objects.exists()


def test_an_unknown_column_or_file_type_is_refused(family_3, case_manager, login):
    client = login(case_manager)
    errors = _import(client, family_3, "date,type,colour\n2010,arrival,red\n").context["errors"]
    assert "Unknown column: colour" in errors
    errors = _import(client, family_3, "x", name="history.txt").context["errors"]
    assert "Upload a .csv, .xlsx or .csv.zip file." in errors


def test_an_xlsx_history_imports_with_real_dates(family_3, case_manager, login):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "precision", "type", "person", "description"])
    sheet.append([datetime.datetime(2015, 5, 4), None, "interview", "Karim", "CGRS"])  # noqa: DTZ001 - a spreadsheet cell has no zone
    sheet.append([2016, None, "decision", None, None])
    data = io.BytesIO()
    book.save(data)
    response = login(case_manager).post(
        reverse("legal:import", args=[family_3.pk]),
        {"file": SimpleUploadedFile("history.xlsx", data.getvalue())},
    )
    assert response.status_code == 302
    got = list(TimelineEvent.objects.order_by("on").values_list("on", "precision", "kind"))
    assert got == [
        (datetime.date(2015, 5, 4), "day", "interview"),
        (datetime.date(2016, 7, 1), "year", "decision"),
    ]


def test_an_event_far_in_the_future_is_refused(family_3, case_manager, login):
    response = login(case_manager).post(
        reverse("legal:event_create", args=[family_3.pk]),
        {"on": "2090-01-01", "precision": "day", "kind": "other"},
    )
    assert "on" in response.context["form"].errors
    assert not TimelineEvent.objects.exists()


def test_procedures_put_their_dates_on_the_timeline(family_3, case_manager, lawyer, login):
    client = login(case_manager)
    client.post(
        reverse("legal:procedure_create", args=[family_3.pk]),
        {
            "type": "9bis",
            "status": "refused",
            "filed_on": "2010-04-02",
            "decided_on": "2020-11-30",
            "notified_on": "2020-12-03",
            "lawyer": lawyer.pk,
        },
    )
    labels = [e.label for e in entries(family_3, datetime.date(2026, 6, 15))]
    assert "humanitarian regularisation (9bis) filed" in labels
    assert "humanitarian regularisation (9bis): refused" in labels
    assert "humanitarian regularisation (9bis) notified" in labels


def test_a_lawyer_change_is_kept_with_dates_and_on_the_timeline(
    clock, family_3, case_manager, lawyer, login, project
):
    from parcours.casework.models import ServiceProvider

    second = ServiceProvider.objects.create(
        organisation=project.organisation, kind="lawyer", name="Me Lambert"
    )
    client = login(case_manager)
    data = {"type": "9bis", "status": "pending", "filed_on": "2025-01-10", "lawyer": lawyer.pk}
    client.post(reverse("legal:procedure_create", args=[family_3.pk]), data)
    procedure = Procedure.objects.get()
    client.post(
        reverse("legal:procedure_edit", args=[family_3.pk, procedure.pk]),
        {**data, "lawyer": second.pk},
    )
    history = list(
        LawyerAssignment.objects.filter(procedure=procedure).values_list(
            "lawyer__name", "from_date", "until"
        )
    )
    assert history == [
        ("Mtr. Peeters", datetime.date(2025, 1, 10), datetime.date(2026, 6, 15)),
        ("Me Lambert", datetime.date(2026, 6, 15), None),
    ]
    assert TimelineEvent.objects.filter(kind="lawyer_change", procedure=procedure).exists()


def test_the_picture_places_marks_in_time_order_and_shows_gaps(
    clock, family_3, case_manager, login
):
    _import(login(case_manager), family_3, FAMILY_3)
    today = datetime.date(2026, 6, 15)
    history = entries(family_3, today)
    picture = layout(history, list(family_3.members.all()), today)
    by_number = sorted(picture["marks"], key=lambda m: m.number)
    xs = [m.x for m in by_number]
    assert xs == sorted(xs)
    assert picture["gaps"]  # e.g. 2011 to 2014 without a known event
    assert [lane["label"] for lane in picture["lanes"]][-1] == "Whole family"


def test_the_picture_tells_the_truth_about_dates(clock, family_3, case_manager, login):
    _import(login(case_manager), family_3, FAMILY_3)
    today = datetime.date(2026, 6, 15)
    history = entries(family_3, today)
    picture = layout(history, list(family_3.members.all()), today)
    marks = {m.number: m for m in picture["marks"]}
    numbered = dict(enumerate(history, start=1))
    births = {n: e for n, e in numbered.items() if e.kind == "birth"}
    arrival = next(n for n, e in numbered.items() if e.kind == "visa_issued")
    # Births long before the first arrival are drawn at their own year, solid when the day is
    # known and hollow only when the year alone is.
    for number, birth in births.items():
        if birth.on < numbered[arrival].on:
            assert marks[number].x < marks[arrival].x
        assert marks[number].hollow == (birth.precision != "day")
    years = [int(t["label"][-4:]) for t in picture["ticks"]]
    assert min(years) <= 1984 and max(years) >= 2026
    # No two markers of one lane overlap, however close their dates.
    for a in picture["marks"]:
        for b in picture["marks"]:
            if a is not b and a.y == b.y:
                assert abs(a.x - b.x) >= 16 or a.number == b.number
    # Long quiet stretches are cut out of the axis and say how long they were.
    assert any(g["short"] == "3 years" for g in picture["gaps"])
    assert max(m.x for m in picture["marks"]) <= picture["right"]


def test_the_dossier_filters_by_person_and_kind(family_3, case_manager, login):
    client = login(case_manager)
    _import(client, family_3, FAMILY_3)
    karim = next(p for p in family_3.members.all() if p.given_name == "Karim")
    page = client.get(
        reverse("legal:dossier", args=[family_3.pk]), {"person": karim.pk, "kind": ["interview"]}
    )
    assert [e.kind for e in page.context["history"]] == ["interview"]
