"""Bulk writes beside the ORM (parcours.database)."""

from parcours.database import insert_rows
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
