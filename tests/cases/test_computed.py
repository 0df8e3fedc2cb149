"""Ages, counts and lengths of stay are computed, never typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from parcours.privacy.fields import PartialDate
from tests.conftest import make_person


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("2008-06-16", datetime.date(2026, 6, 15), 17),
        ("2008-06-15", datetime.date(2026, 6, 15), 18),
        ("2008", datetime.date(2026, 1, 1), 18),
        ("2012-02-29", datetime.date(2026, 2, 28), 13),
    ],
)
def test_ages_count_completed_years(birth, on, age):
    assert PartialDate.parse(birth).age_on(on) == age


@pytest.mark.parametrize("bad", ["1988-02-30", "88", "02/03/1988", "year", "19888"])
def test_a_malformed_date_of_birth_is_refused(bad):
    with pytest.raises(ValidationError):
        PartialDate.parse(bad)


def test_household_counts_and_length_of_stay(clock, make_family):
    family = make_family(
        "active",
        members=[
            make_person(arrival_date=datetime.date(2008, 3, 1)),
            make_person("parent", "Karim", arrival_date=datetime.date(2009, 1, 1)),
            make_person("child", "A", birth="2007-01-01", arrival_date=datetime.date(2008, 3, 1)),
            make_person("child", "B", birth="2012-05-05"),
            make_person("child", "C", birth=None),
            make_person("child", "D", birth="2015-04-01", country_of_birth="AF"),
            make_person("child", "E", birth="2016-04-01", country_of_birth="BE"),
        ],
    )
    assert len(family.adults) == 3  # two parents and a child of 19
    assert len(family.children) == 5
    assert [p.given_name for p in family.adult_children] == ["A"]
    assert family.arrived_on == datetime.date(2008, 3, 1)
    assert family.years_in_country == 18
    assert family.months_supported == 4  # admitted 1 February, now 15 June
    born_here = next(p for p in family.members.all() if p.given_name == "B")
    assert born_here.years_in_country == 14 and born_here.age == 14
    # Born in Afghanistan, arrival not recorded: not 11 years "in the country" but unknown.
    by_name = {p.given_name: p for p in family.members.all()}
    assert by_name["D"].years_in_country is None
    assert by_name["E"].years_in_country == 10
