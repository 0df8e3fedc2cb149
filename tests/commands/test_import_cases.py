"""parcours import-cases: families from a spreadsheet, all or nothing, idempotent."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.cases.models import Family, Person
from parcours.cases.services import search

HEADER = [
    "case",
    "role",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "nationality",
    "arrival_date",
    "status_at_entry",
    "admitted_on",
    "case_manager",
]
ROWS = [
    [
        "PT-2021-004",
        "parent",
        "Amina",
        "Haddad",
        "1984",
        "female",
        "IQ",
        "2008-03-10",
        "tourist_visa",
        "2021-02-01",
        "sara",
    ],
    [
        "PT-2021-004",
        "child",
        "Sami",
        "Haddad",
        "2012-05-05",
        "male",
        "stateless",
        "",
        "tourist_visa",
        "2021-02-01",
        "sara",
    ],
    [
        "PT-2021-005",
        "parent",
        "Ravi",
        "Sharma",
        "1979-11-30",
        "male",
        "NP",
        "2016-01-01",
        "asylum_seeker",
        "2021-03-01",
        "",
    ],
]


def _run(tmp_path, rows, header=HEADER):
    path = tmp_path / "families.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue())
    text = io.StringIO()
    call_command("import_cases", "--project", "pt", str(path), stdout=text)
    return text.getvalue()


def test_families_are_created_active_with_their_people(tmp_path, coordinator, case_manager):
    assert "Created 2 families" in _run(tmp_path, ROWS)
    family = Family.objects.get(case_number="PT-2021-004")
    assert family.status == "active" and list(family.case_managers.all()) == [case_manager]
    assert sorted(p.full_name for p in family.members.all()) == ["Amina Haddad", "Sami Haddad"]
    sami = family.members.get(role="child")
    assert sami.birth_date == "2012-05-05" and sami.nationality == "stateless"
    assert list(search(Family.objects.all(), "sharma")) == [
        Family.objects.get(case_number="PT-2021-005")
    ]


def test_the_same_file_twice_adds_nothing(tmp_path, coordinator, case_manager):
    _run(tmp_path, ROWS)
    assert "Created 0 families; 2 already there" in _run(tmp_path, ROWS)
    assert Person.objects.count() == 3


def test_imported_numbers_move_the_counter(tmp_path, coordinator, case_manager, make_family):
    import datetime

    from parcours.cases import services
    from parcours.privacy.audit import Actor

    _run(tmp_path, ROWS)
    family = make_family("screening", referred_on=datetime.date(2021, 1, 1))
    services.take_step(
        Actor(coordinator),
        family,
        "admit",
        admitted_on=datetime.date(2021, 6, 1),
        case_managers=[case_manager],
    )
    assert Family.objects.get(pk=family.pk).case_number == "PT-2021-006"


@pytest.mark.parametrize(
    ("row", "cell", "message"),
    [
        (1, (2, "Sami"), None),
        (0, (4, "84"), "row 2, column birth_date, '84'"),
        (0, (6, "XX"), "row 2, column nationality, 'XX'"),
        (0, (1, "cousin"), "row 2, column role, 'cousin'"),
        (2, (10, "nobody"), "row 4, column case_manager, 'nobody'"),
        (1, (9, "2021-02-02"), "row 3, column admitted_on, '2021-02-02': differs from row 2"),
        (2, (9, "2999-01-01"), "row 4, column admitted_on, '2999-01-01': in the future"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_created(
    tmp_path, coordinator, case_manager, row, cell, message
):
    rows = [list(r) for r in ROWS]
    rows[row][cell[0]] = cell[1]
    if message is None:
        assert "Created 2" in _run(tmp_path, rows)  # a plain change is fine
        return
    with pytest.raises(CommandError) as refused:
        _run(tmp_path, rows)
    assert message in str(refused.value)
    assert not Family.objects.exists() and not Person.objects.exists()


def test_missing_and_unknown_columns_are_named(tmp_path, coordinator):
    with pytest.raises(CommandError) as refused:
        _run(tmp_path, [["PT-1", "parent"]], ["case", "role", "shoe_size"])
    text = str(refused.value)
    assert "missing column: given_name" in text and "unknown column: shoe_size" in text
