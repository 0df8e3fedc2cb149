"""Bulk writes beside the ORM (parcours.database)."""

import gc

import pytest
from django.db import connection, transaction

from parcours.cases.models import Family
from parcours.database import QueryWhileSending, bulk_loading, insert_many, insert_rows, preparer
from parcours.instruments.models import BaselineScore


def test_plain_rows_are_written_as_their_fields_would_write_them(make_family):
    """A value already in its field's plain type goes as it is; any other is prepared by the
    field itself (a key given as text, a number as a string), and reads back the same."""
    first, second = make_family(), make_family()
    insert_rows(
        BaselineScore,
        ["family", "code", "first", "latest", "scores"],
        [
            (first.pk, "b08_wellbeing", 2, 5, 2),
            (str(second.pk), "b08_wellbeing", "3", 3, True),
        ],
    )
    kept = {s.family_id: (s.code, s.first, s.latest, s.scores) for s in BaselineScore.objects.all()}
    assert kept == {
        first.pk: ("b08_wellbeing", 2, 5, 2),
        second.pk: ("b08_wellbeing", 3, 3, 1),
    }


def test_a_row_made_while_rows_are_sent_may_not_ask_the_database(make_family):
    """insert_many sends rows as they are made (PostgreSQL's COPY). A row that queries
    meanwhile is refused at once, naming the query, where on PostgreSQL it waited for ever for
    the COPY that waited for it; nothing of the insert is kept, and the connection is usable
    again."""
    family = make_family()
    key = preparer(BaselineScore._meta.get_field("family"))(family.pk)

    def rows():
        yield (key, "b08_wellbeing", 2, 5, 2)
        Family.objects.filter(pk=family.pk).exists()  # e.g. keys loaded on first use
        yield (key, "b09_health", 2, 5, 2)

    with pytest.raises(QueryWhileSending, match="cases_family"), transaction.atomic():
        insert_many(
            BaselineScore._meta.db_table,
            ["family_id", "code", "first", "latest", "scores"],
            rows(),
        )
    assert not BaselineScore.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_bulk_load_pauses_the_collector_and_gives_it_back_even_when_it_fails(db):
    assert gc.isenabled()
    with bulk_loading():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk_loading():
        raise RuntimeError("a bad row")
    assert gc.isenabled()
    gc.disable()  # a caller that had paused it keeps it paused
    try:
        with bulk_loading():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
