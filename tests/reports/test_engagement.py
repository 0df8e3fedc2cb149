"""The months supported are counted per pair of dates, not per file: their mean, median and
how many passed 15 months must be what a value per file gives."""

import datetime
import statistics
from collections import Counter

import pytest

from parcours.cases.models import FamilyFigures
from parcours.dates import completed_months
from parcours.reports.cohort import Cohort, _median, engagement


@pytest.mark.parametrize(
    "values",
    [[4], [4, 9], [1, 1, 2], [3, 1, 2, 2], [16, 2, 16, 7, 7, 7, 30, 0], list(range(11))],
)
def test_the_median_of_counted_values_is_the_median_of_them_all(values):
    assert _median(Counter(values)) == statistics.median(values)


def test_the_months_supported_are_those_of_each_file(make_family, project, clock):
    families = [make_family("active") for _ in range(5)]
    admitted = [datetime.date(2024, 3, 5), datetime.date(2025, 1, 20), datetime.date(2026, 2, 1)]
    for i, family in enumerate(families):  # two pairs of files share their dates
        FamilyFigures.objects.filter(family=family).update(admitted_on=admitted[i % 3])
    now = datetime.date(2026, 6, 15)  # the clock fixture's day
    months = [completed_months(admitted[i % 3], now) for i in range(5)]
    supported = engagement(Cohort([project]))["months_supported"]
    assert supported == {
        "mean": round(statistics.mean(months), 1),
        "median": statistics.median(months),
        "over_15": sum(1 for m in months if m > 15),
    }
