"""Due dates in lists: each language's own way of writing a month, and the year when it is not
this one."""

import datetime

import pytest
from django.utils import translation

from parcours.casework.templatetags.due_dates import due_day


@pytest.mark.parametrize(
    ("language", "this_year", "last_year"),
    [
        ("en", "Sun 1 Feb", "Sat 1 Feb 2025"),
        ("nl", "zo 1 feb", "za 1 feb 2025"),
        ("fr", "dim 1 fév", "sam 1 fév 2025"),
    ],
)
def test_a_due_date_is_written_as_its_language_writes_it(clock, language, this_year, last_year):
    with translation.override(language):
        assert due_day(datetime.date(2026, 2, 1)) == this_year
        assert due_day(datetime.date(2025, 2, 1)) == last_year
