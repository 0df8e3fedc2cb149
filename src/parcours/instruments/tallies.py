"""The answers of the families' latest Client Summary Sheets, tallied per project and pooled
source (``AnswerTally``): the cohort report's answer tables when nothing narrows the cohort.

``record`` writes what a change of the latest sheets moved (called where they are kept:
``parcours.instruments.figures``), after the sheets' answers are stored; ``fold``, ``check``
and ``rebuild`` run with the dashboard's tallies (registered with ``parcours.cases.tallies``);
``answers`` reads them.
"""

from collections import Counter
from collections.abc import Iterable
from itertools import chain

from django.db import transaction
from django.db.models import Count, Sum

from parcours.cases.models import Family
from parcours.database import among, fold_signed, insert_rows
from parcours.instruments.models import Answer, AnswerTally, LatestSheet

COUNTED = "client_summary_sheet"  # the instrument the cohort report counts
KEY = ["project_id", "pooled_from_id", "code", "value"]
CHUNK = 2000  # sheets looked up at a time


def _of(sheets) -> Counter:
    """(project, pooled source, code, value): how many answers of ``sheets`` (ids, or a
    query of them) hold it."""
    if isinstance(sheets, list) and not sheets:
        return Counter()
    rows = (
        Answer.objects.filter(response_id__in=sheets)
        .values_list(
            "response__family__project_id", "response__family__pooled_from_id", "code", "value"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({(project, pooled, code, value): n for project, pooled, code, value, n in rows})


def _given(answered: dict, families: dict) -> Counter:
    """As ``_of``, for sheets whose answers and families are at hand (``{sheet: [(code,
    value), ...]}`` and ``{sheet: family}``, an import's): read again, 100 000 sheets' answers
    cost 7 s of an import on SQLite. Where their files are all of one project and source (an
    import's are), that is the one row asked for; otherwise each file's."""
    found = Family.objects.filter(
        pk__in=among(Family._meta.pk, {families[sheet] for sheet in answered})
    )
    places = list(found.values_list("project_id", "pooled_from_id").distinct().order_by())
    if len(places) == 1:
        place_of = dict.fromkeys(answered, places[0])
    else:
        of_family = {
            pk: (project, pooled)
            for pk, project, pooled in found.values_list("pk", "project_id", "pooled_from_id")
        }
        place_of = {sheet: of_family[families[sheet]] for sheet in answered}
    sheets_of: dict = {}  # (project, pooled source): the answers of its sheets
    for sheet, place in place_of.items():
        sheets_of.setdefault(place, []).append(answered[sheet])
    counted: Counter = Counter()
    for (project, pooled), sheets in sheets_of.items():  # the pairs as they are: no tuple each
        for (code, value), n in Counter(chain.from_iterable(sheets)).items():
            counted[project, pooled, code, value] += n
    return counted


def record(
    removed: Iterable,
    added: Iterable,
    answered: dict | None = None,
    families: dict | None = None,
) -> int:
    """Add what moved when the sheets ``removed`` stopped being their family's latest Client
    Summary Sheet and ``added`` became it (their answers stored, or given in ``answered``
    with each sheet's family in ``families``): one signed row per value. Returns the rows
    added."""
    removed, added = set(removed), set(added)
    removed, added = list(removed - added), list(added - removed)
    answered = answered or {}
    moved: Counter = Counter()
    for start in range(0, len(removed), CHUNK):
        moved.subtract(_of(removed[start : start + CHUNK]))
    for start in range(0, len(added), CHUNK):
        chunk = added[start : start + CHUNK]
        given = {pk: answered[pk] for pk in chunk if pk in answered}
        if given:
            moved.update(_given(given, families))
        moved.update(_of([pk for pk in chunk if pk not in answered]))
    # As plain rows: a model object and bulk_create's compiling each cost 0.1 ms a row, a
    # second of an import of 100 000 sheets (150 values a chunk of its sheets).
    rows = [(*key, n) for key, n in moved.items() if n]
    insert_rows(AnswerTally, [*KEY, "n"], rows)
    return len(rows)


def expected() -> Counter:
    """The tallies as the latest sheets say, counted again."""
    latest = LatestSheet.objects.filter(instrument=COUNTED).values("response_id")
    return _of(latest)


def stored() -> Counter:
    summed = AnswerTally.objects.order_by().values_list(*KEY).annotate(total=Sum("n"))
    return Counter({tuple(key): n for *key, n in summed if n})


def check() -> list[str]:
    """Where the tallies and the latest sheets' answers disagree, one line each."""
    kept, counted = stored(), expected()
    return [
        f"answers {code}={value} of project {project}"
        f"{f' (pooled source {pooled})' if pooled else ''}: {kept[key]} tallied, "
        f"the latest sheets say {counted[key]}"
        for key in sorted(set(kept) | set(counted), key=str)
        if kept[key] != counted[key]
        for project, pooled, code, value in [key]
    ]


def rebuild() -> None:
    """Every tally counted again from the latest sheets (``parcours check-figures --fix``)."""
    with transaction.atomic():
        AnswerTally.objects.all().delete()
        insert_rows(AnswerTally, [*KEY, "n"], [(*key, n) for key, n in expected().items() if n])


def fold() -> int:
    return fold_signed(AnswerTally, KEY)


def answers(projects, codes, scope: dict | None = None) -> dict[str, dict[str, int]]:
    """Per question of ``codes``, how many latest Client Summary Sheets of ``projects``
    (narrowed by ``scope``: one project, or one pooled source) hold each value."""
    counts: dict[str, dict] = {code: {} for code in codes}
    rows = AnswerTally.objects.filter(project__in=projects, code__in=codes)
    if scope is not None:
        rows = rows.filter(**scope)
    for code, value, n in rows.values_list("code", "value").annotate(total=Sum("n")).order_by():
        if n:
            counts[code][value] = n
    return counts
