"""What the instruments contribute to the figures kept ready (parcours.cases.figures): the day
the file's next sheet falls due, by the rule of the sheets that are due (instruments.due);
each family's first and latest Baseline score per item (``BaselineScore``); and its latest
submitted sheet of each instrument (``LatestSheet``)."""

import datetime
import itertools
import re

from django.db import connection
from django.db.models import F, Max, Q

from parcours.database import among, insert_rows
from parcours.instruments import tallies
from parcours.instruments.due import sheet_items
from parcours.instruments.models import (
    Answer,
    BaselineScore,
    InstrumentVersion,
    LatestSheet,
    Response,
    ResponseStatus,
)

RESPONSE_FAMILY = Response._meta.get_field("family")


def contribute(families: list, on: datetime.date) -> dict:
    admitted = {f.pk: f for f in families if f.admitted_on is not None}
    submitted = Q(status=ResponseStatus.SUBMITTED)
    last = {
        row["family_id"]: row
        for row in Response.objects.filter(family_id__in=among(RESPONSE_FAMILY, admitted))
        .order_by()
        .values("family_id")
        .annotate(
            baseline=Max("submitted_at", filter=submitted & Q(instrument="baseline")),
            summary=Max("submitted_at", filter=submitted & Q(instrument="client_summary_sheet")),
        )
    }
    values = {f.pk: {"sheet_due_on": None} for f in families}
    far = datetime.date.max  # every sheet owed, however far ahead it falls
    for pk, family in admitted.items():
        sheets = last.get(pk, {})
        items = sheet_items(family, sheets.get("baseline"), sheets.get("summary"), on, far)
        values[pk]["sheet_due_on"] = min((item.on for item in items), default=None)
    return values


SCORED_ITEM = re.compile(r"^b[0-9]{2}_[a-z_]+$")


def scored_items() -> set[str]:
    """The scored items of every Baseline version (SQLite has no native regex)."""
    return {
        q.name
        for version in InstrumentVersion.objects.filter(instrument="baseline")
        for q in version.definition.answerable
        if SCORED_ITEM.match(q.name) and not q.name.endswith("_why")
    }


SCORE_COLUMNS = ["family", "code", "first", "latest", "scores"]


def baseline_scores(family_ids: list) -> list[tuple]:
    """From the source: per family and item, the first and the latest score of its submitted
    Baselines (by submission, then score, as a sort of the pairs takes them) and how many, as
    rows of ``SCORE_COLUMNS`` (the family's id as the database gives it)."""
    items = scored_items()
    if not items or not family_ids:
        return []
    scores = (
        Answer.objects.filter(
            response__family_id__in=family_ids,
            response__instrument="baseline",
            response__status=ResponseStatus.SUBMITTED,
            code__in=items,
        )
        .exclude(value="")
        .annotate(family=F("response__family_id"), at=F("response__submitted_at"))
        .values("family", "code", "at", "value")
    )
    inner, params = scores.query.sql_with_params()
    # Each family's scores of an item in order, folded here: the first row holds the first
    # score, the last the latest. SQLite's window functions over the same order took three
    # times as long (a sixth of an import of 44 000 Baselines). The inner query is the ORM's.
    sql = "SELECT s.family, s.code, CAST(s.value AS INTEGER) AS score"
    sql += f" FROM ({inner}) s ORDER BY s.family, s.code, s.at, score"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    pairs = []
    for (family, code), scores in itertools.groupby(rows, key=lambda row: row[:2]):
        scores = [score for _family, _code, score in scores]
        pairs.append((family, code, scores[0], scores[-1], len(scores)))
    return pairs


def keep_baseline_scores(family_ids: list) -> None:
    """Write these families' score pairs as the source says now, as plain rows: as model
    objects through bulk_create, they were two fifths of an import of 44 000 Baselines on
    PostgreSQL (490 000 pairs)."""
    BaselineScore.objects.filter(family_id__in=family_ids).delete()
    insert_rows(BaselineScore, SCORE_COLUMNS, baseline_scores(family_ids))


def baseline_differences(family_ids: list, names: dict) -> list[str]:
    """Where the kept score pairs of these families and the source disagree."""
    kept = {
        (s.family_id, s.code): (s.first, s.latest, s.scores)
        for s in BaselineScore.objects.filter(family_id__in=family_ids)
    }
    field = BaselineScore._meta.get_field("family")
    source = {
        (field.to_python(family), code): (first, latest, scores)
        for family, code, first, latest, scores in baseline_scores(family_ids)
    }
    found = []
    for key in sorted(kept.keys() | source.keys(), key=str):
        if kept.get(key) != source.get(key):
            family, code = key
            found.append(
                f"{names.get(family) or family}: Baseline {code} (first, latest, scores) is "
                f"{kept.get(key)}, the source says {source.get(key)}"
            )
    return found


def latest_sheets(family_ids: list) -> dict:
    """From the source: ``{(family, instrument): response}``, each family's latest submitted
    sheet per instrument, ordered as the cohort report orders them (submission, then
    creation, then id)."""
    rows = (
        Response.objects.filter(family_id__in=family_ids, status=ResponseStatus.SUBMITTED)
        .order_by(
            "family_id",
            "instrument",
            F("submitted_at").desc(nulls_last=True),
            "-created_at",
            "-pk",
        )
        .values_list("family_id", "instrument", "pk")
    )
    latest: dict = {}
    for family, instrument, pk in rows:
        latest.setdefault((family, instrument), pk)
    return latest


def keep_latest_sheets(family_ids: list) -> None:
    """Write these families' latest sheets as the source says now, as plain rows: as model
    objects, they were a tenth of an import of 100 000 sheets."""
    kept = LatestSheet.objects.filter(family_id__in=family_ids)
    before = list(kept.filter(instrument=tallies.COUNTED).values_list("response_id", flat=True))
    kept.delete()
    latest = latest_sheets(family_ids)
    insert_rows(
        LatestSheet,
        ["family", "instrument", "response"],
        ((family, instrument, response) for (family, instrument), response in latest.items()),
    )
    tallies.record(before, [pk for (_f, code), pk in latest.items() if code == tallies.COUNTED])


def _place(submitted_at, created_at, pk) -> tuple:
    """A sheet's place in the order the latest is taken by (``latest_sheets``): the greatest is
    the latest; a sheet without a time of submission comes before every one with it."""
    return (submitted_at is not None, submitted_at or _EARLIEST, created_at, pk)


_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
FAMILY = LatestSheet._meta.get_field("family")


def keep_latest_of(responses: list, answered: dict | None = None, batch: int = 2000) -> None:
    """After new submitted sheets and nothing else (an import, a phone), their answers stored:
    a family's latest sheet of an instrument is the newest of them, unless the one kept is
    later still. The kept one is compared, where counting every sheet again took a tenth of
    an import of 100 000 sheets. A correction also takes a sheet out: ``keep_latest_sheets``
    for those. ``answered``: the sheets' coded answers, when they are at hand (an import), for
    the report's tallies."""
    newest: dict = {}
    for response in responses:
        key = (response.instrument, response.family_id)
        place = _place(response.submitted_at, response.created_at, response.pk)
        if key not in newest or place > newest[key][0]:
            newest[key] = (place, response.pk)
    by_instrument: dict = {}
    for (instrument, family), found in newest.items():
        by_instrument.setdefault(instrument, []).append((family, *found))
    for instrument, found in by_instrument.items():
        for start in range(0, len(found), batch):
            chunk = found[start : start + batch]
            kept, kept_sheet = {}, {}
            for family, pk, at, created in LatestSheet.objects.filter(
                instrument=instrument, family_id__in=among(FAMILY, (f for f, *_ in chunk))
            ).values_list(
                "family_id", "response_id", "response__submitted_at", "response__created_at"
            ):
                kept[family], kept_sheet[family] = _place(at, created, pk), pk
            later = [(f, pk) for f, place, pk in chunk if f not in kept or place > kept[f]]
            replaced = [family for family, _pk in later if family in kept]
            if replaced:
                LatestSheet.objects.filter(instrument=instrument, family_id__in=replaced).delete()
            insert_rows(
                LatestSheet,
                ["family", "instrument", "response"],
                ((family, instrument, pk) for family, pk in later),
            )
            if instrument == tallies.COUNTED:
                removed = [kept_sheet[f] for f in replaced]
                added = {pk: family for family, pk in later}
                tallies.record(removed, added, answered, added)


def latest_sheet_differences(family_ids: list, names: dict) -> list[str]:
    """Where the kept latest sheets of these families and the source disagree."""
    kept = {
        (s.family_id, s.instrument): s.response_id
        for s in LatestSheet.objects.filter(family_id__in=family_ids)
    }
    source = latest_sheets(family_ids)
    return [
        f"{names.get(key[0]) or key[0]}: the latest {key[1]} is {kept.get(key)},"
        f" the source says {source.get(key)}"
        for key in sorted(kept.keys() | source.keys(), key=str)
        if kept.get(key) != source.get(key)
    ]
