"""Moving sheets in and out as spreadsheets: templates, imports (ours, KoboToolbox's, ODK's)
and exports. Imports are all or nothing and name every bad cell by row, column and value.

The file has a ``case`` column (the case number), then one column per question code; choice
values are codes, several choices are separated by spaces, an empty cell is "no answer".
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from parcours.cases import figures
from parcours.cases.models import Family
from parcours.casework.models import consents_to_evaluation
from parcours.database import among, bulk_loading, insert_many, insert_objects
from parcours.instruments import figures as instrument_figures
from parcours.instruments.answers import check, from_rows, to_rows
from parcours.instruments.models import (
    Answer,
    BaselineScore,
    InstrumentCode,
    InstrumentVersion,
    LatestSheet,
    Response,
    ResponseStatus,
)
from parcours.instruments.xlsform import CASE_FIELD, Definition
from parcours.notify import webhooks
from parcours.privacy.audit import Actor, record_many
from parcours.privacy.keys import keyring
from parcours.privacy.models import AuditAction
from parcours.spreadsheets import iter_table, row_count

MAX_ERRORS = 50
TEMPLATE_LABEL = "case number"  # the template's second row, for people, skipped on import
# Columns that KoboToolbox and ODK Central add to their exports, by their last name
# (lower-case): never questions. Some are read (below); the rest are listed as skipped.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "instanceid",
    "instancename",
    "deprecatedid",
    "rootuuid",
    "key",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "edits",
    "formversion",
    "meta",
    "uuid",
    "submitted_at",
    "__version__",
}
# Read from the metadata: when the sheet was submitted, its instance ID and the one it edits,
# and the reviewer's verdict. Ours may carry "submitted_at" too (always with its offset).
SUBMITTED = ("submissiondate", "_submission_time", "_submitted_at", "submitted_at", "end")
# Times a server wrote when it received the sheet: without an offset they are UTC, not local
# (KoboToolbox's _submission_time: kobotoolbox/kpi#3941; ODK Central writes a "Z"). A phone's
# own "end" without an offset is the phone's clock, taken as the project's local time.
SERVER_TIMES = {"submissiondate", "_submission_time", "_submitted_at"}
# ODK Central's KEY stays the same when a submission is edited (its instanceID changes);
# KoboToolbox's _uuid is the current instanceID, with the edited one in deprecatedID.
INSTANCE = ("key", "instanceid", "_uuid")
REJECTED = {"rejected", "validation_status_not_approved", "not approved"}
# Metadata read (not listed as left out).
READ_METADATA = {*SUBMITTED, *INSTANCE, "deprecatedid", "reviewstate", "_validation_status"}
TRUE = {"1", "true", "yes"}


class TransferError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(slots=True)
class Row:
    """One checked submission. A 100 000-row import holds every row until it has checked the
    last one, so a row is kept small: its fingerprint, taken once, and its answers as a tuple
    of their values beside a tuple of their questions' codes, both shared where they can be
    (the rows with the same questions share the codes; a choice's code is one string for all
    rows): about 300 bytes a row, where the answers' JSON took 425 and their dict 1 700."""

    number: int
    family_id: object  # the family's primary key: a model instance a row would cost more
    mark: str  # the fingerprint: family, instrument and every answer
    codes: tuple[str, ...]
    values: tuple
    submitted_at: datetime.datetime | None
    instance_id: str
    edits: str  # the instance ID this submission replaces (deprecatedID)

    @classmethod
    def of(
        cls, instrument, number, family_id, answers: dict, submitted_at, instance_id="", edits=""
    ) -> "Row":
        codes = _shared(tuple(sorted(answers)))
        return cls(
            number,
            family_id,
            fingerprint(family_id, instrument, answers),
            codes,
            tuple(answers[code] for code in codes),
            submitted_at,
            instance_id,
            edits,
        )

    @property
    def answers(self) -> dict:
        return dict(zip(self.codes, self.values, strict=True))


_CODES: dict[tuple, tuple] = {}


def _shared(codes: tuple) -> tuple:
    """One tuple for every row answering the same questions (kept for a few thousand sets)."""
    if len(_CODES) > 5000:
        _CODES.clear()
    return _CODES.setdefault(codes, codes)


@dataclass
class Reading:
    version: InstrumentVersion
    rows: list[Row]
    skipped_columns: list[str] = field(default_factory=list)
    rejected: int = 0  # rejected (ODK Central) or not approved (KoboToolbox) submissions
    noon: int = 0  # rows whose time of submission was a date alone, dated at noon local time
    unmatched: list[str] = field(default_factory=list)  # with skip_unmatched


@dataclass
class ImportResult:
    created: int
    unchanged: int
    corrected: int = 0
    reading: Reading | None = None


@dataclass
class _Column:
    kind: str  # case, question, choice, meta, skip, unknown
    code: str = ""
    choice: str = ""


def _classify(header: str, definition: Definition) -> _Column:
    """What a column holds: the case number, a question (``code``, or under its group as
    ``group/code`` from KoboToolbox or ``group-code`` from ODK Central), one choice of a
    several-choice question (``…code/choice``: 0 or 1), export metadata, a note, or nothing
    Parcours knows."""
    known = {q.name for q in definition.answerable}
    notes = {q.name for q in definition.questions if q.type == "note"}
    parts = header.split("/")
    last = parts[-1].rsplit("-", 1)[-1]
    if header == CASE_FIELD or last == CASE_FIELD:
        return _Column("case")
    if header in known or last in known:
        return _Column("question", header if header in known else last)
    if len(parts) > 1:
        owner = parts[-2].rsplit("-", 1)[-1]
        if owner in definition.multiple and parts[-1] in definition.choice_codes(
            definition.question(owner)
        ):
            return _Column("choice", owner, parts[-1])
    if header in notes or last in notes:
        return _Column("skip", header)
    lowered = last.lower()
    if lowered.startswith("_") or lowered in METADATA or header.lower().startswith("meta"):
        return _Column("meta", lowered)
    return _Column("unknown", header)


def _cell(value) -> str:
    if type(value) is str:  # every cell of a CSV file
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _moment(text: str, utc: bool) -> tuple[datetime.datetime | None, bool]:
    """An export's time stamp (ISO 8601, with or without offset or seconds fraction) in its
    real zone: its own offset; without one, UTC where a server wrote it (``utc``), local time
    otherwise. A date alone is noon local time, so that no zone moves it to another day; the
    second value says so."""
    text = text.strip()
    if not text:
        return None, False
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            noon = datetime.datetime.combine(day, datetime.time(12))
            return timezone.make_aware(noon), True
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, False
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC) if utc else timezone.make_aware(moment)
    return moment, False


def _submitted(meta: dict) -> tuple[datetime.datetime | None, bool]:
    """When a row was submitted, from the first time column it fills, in that column's zone."""
    for column in SUBMITTED:
        moment, noon = _moment(meta.get(column, ""), column in SERVER_TIMES)
        if moment is not None:
            return moment, noon
    return None, False


def _instance(text: str) -> str:
    return text.strip().removeprefix("uuid:")


def pack(answers: dict) -> str:
    return json.dumps(answers, sort_keys=True)


def fingerprint(family_id, instrument: str, answers) -> str:
    """What makes two sheets the same: the family, the instrument and every answer."""
    # The canonical JSON of {"a": answers, "f": family, "i": instrument} with sorted keys,
    # written around the answers' own canonical JSON.
    canonical = (
        f'{{"a": {pack(answers)}, "f": {json.dumps(str(family_id))}, '
        f'"i": {json.dumps(instrument)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _labels_as_headers(header: list[str], definition: Definition) -> bool:
    """An export with the questions' labels as column headers instead of their codes."""
    labels = {text.strip().lower() for q in definition.answerable for text in q.labels.values()}
    return sum(1 for h in header if h.strip().lower() in labels) >= 2


def read_responses(
    code: str,
    project,
    name: str,
    data: bytes,
    *,
    skip_unmatched: bool = False,
    progress=None,
) -> Reading:
    """Validate a whole file; returns what it holds, or raises TransferError naming every bad
    column, row and cell. With ``skip_unmatched`` a row whose case is missing or unknown is
    listed and left out instead of stopping the import. ``progress(step, done, total)`` hears
    how far the check got."""
    version = InstrumentVersion.objects.active(code, project)
    definition = version.definition
    try:
        header, rows = iter_table(name, data)
    except ValueError as error:
        raise TransferError([str(error)]) from None
    columns = [_classify(h, definition) for h in header]
    if not any(c.kind == "case" for c in columns):
        if _labels_as_headers(header, definition):
            raise TransferError(
                [
                    _(
                        "The columns are named by the questions' labels. Export again with "
                        "the questions' codes: in KoboToolbox choose “XML values and headers”; "
                        "in ODK Central the CSV download has them."
                    )
                ]
            )
        raise TransferError([_("There is no 'case' column (the case number).")])
    errors = [
        _("column %(column)r: not a question of %(instrument)s %(version)s")
        % {"column": h, "instrument": code, "version": version.version}
        for h, c in zip(header, columns, strict=True)
        if c.kind == "unknown" and h
    ]
    if errors:
        raise TransferError(errors)
    case_column = next(i for i, c in enumerate(columns) if c.kind == "case")
    reading = Reading(
        version,
        [],
        [
            h
            for h, c in zip(header, columns, strict=True)
            if h and (c.kind == "skip" or (c.kind == "meta" and c.code not in READ_METADATA))
        ],
    )
    step, total = _("Checking the rows"), row_count(name, data)
    language = get_language() or "en"
    for chunk in _chunks(enumerate(rows, start=2), LOOKUP_CHUNK):
        named = {_cell(row[case_column]) for _n, row in chunk if case_column < len(row)}
        named.discard("")
        # The chunk's own families only: kept for the whole file, the case numbers cost more
        # than the rows (230 bytes a row). Found by their numbers alone, the project checked
        # here: asked for both, SQLite without fresh statistics (families loaded since its
        # last ANALYZE) went through every file of the project, 27 ms a chunk instead of 2.
        families = {
            number: pk
            for number, pk, owner in Family.objects.filter(
                case_number__in=among(CASE, named)
            ).values_list("case_number", "id", "project_id")
            if owner == project.pk
        }
        for number, row in chunk:
            row_errors = _read_row(
                reading,
                definition,
                columns,
                number,
                row,
                families,
                project,
                skip_unmatched,
                language,
            )
            errors.extend(row_errors)
            if len(errors) >= MAX_ERRORS:
                break
        if progress is not None:
            progress(step, chunk[-1][0] - 1, total)
        if len(errors) >= MAX_ERRORS:
            errors.append(_("… and possibly more; correct these first"))
            break
    if errors:
        raise TransferError(errors)
    if not reading.rows and not reading.rejected and not reading.unmatched:
        raise TransferError([_("the file has no rows")])
    reading.rows.sort(key=lambda r: (r.submitted_at or timezone.now(), r.number))
    return reading


LOOKUP_CHUNK = 2000  # rows read between two lookups of the case numbers they name
CASE, FINGERPRINT = Family._meta.get_field("case_number"), Response._meta.get_field("fingerprint")


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_row(
    reading, definition, columns, number, row, families, project, skip_unmatched, language
) -> list[str]:
    """Check one row of a file: it joins ``reading`` (rows, rejected, unmatched), and its
    problems are returned, each naming the row and the column."""
    cells = {"meta": {}, "question": {}, "choice": {}}
    case = ""
    for column, value in zip(columns, row, strict=False):
        text = _cell(value)
        if column.kind == "case":
            case = text
        elif column.kind == "question":
            cells["question"][column.code] = text
        elif column.kind == "choice":
            cells["choice"].setdefault(column.code, []).append((column.choice, text))
        elif column.kind == "meta":
            cells["meta"][column.code] = text
    meta = cells["meta"]
    if (meta.get("reviewstate", "") or meta.get("_validation_status", "")).lower() in REJECTED:
        reading.rejected += 1
        return []
    raw = dict(cells["question"])
    for owner, flags in cells["choice"].items():
        if not raw.get(owner):
            raw[owner] = " ".join(c for c, flag in flags if flag.lower() in TRUE)
    if case == TEMPLATE_LABEL or (not case and not any(raw.values())):
        return []
    errors = []
    family_id = families.get(case)
    if family_id is None:
        problem = (
            _("row %(row)s, column case: empty") % {"row": number}
            if not case
            else _("row %(row)s, column case, %(case)r: no such case in %(project)s")
            % {"row": number, "case": case, "project": project.slug}
        )
        if skip_unmatched:
            reading.unmatched.append(problem)
            return []
        errors.append(problem)
    parsed = {k: (v.split() if k in definition.multiple else v) for k, v in raw.items()}
    answers, problems = check(definition, parsed, language, complete=False)
    for code_, message in problems.items():
        errors.append(
            _("row %(row)s, column %(column)s, %(value)r: %(message)s")
            % {"row": number, "column": code_, "value": raw.get(code_, ""), "message": message}
        )
    if family_id is not None and not errors:
        submitted_at, noon = _submitted(meta)
        reading.noon += noon
        reading.rows.append(
            Row.of(
                reading.version.instrument,
                number,
                family_id,
                answers,
                submitted_at,
                _instance(next(filter(None, (meta.get(k, "") for k in INSTANCE)), "")),
                _instance(meta.get("deprecatedid", "")),
            )
        )
    return errors


def import_responses(
    actor: Actor,
    code: str,
    project,
    name: str,
    data: bytes,
    *,
    skip_unmatched: bool = False,
    progress=None,
) -> ImportResult:
    """Submitted sheets for every row of a file, dated when they were submitted: the whole
    file is checked first, then stored in one transaction."""
    with bulk_loading():
        reading = read_responses(
            code, project, name, data, skip_unmatched=skip_unmatched, progress=progress
        )
        return store(actor, reading, progress)


@transaction.atomic
def store(actor: Actor, reading: Reading, progress=None) -> ImportResult:
    """Submitted sheets for the rows read from a file or sent by a phone. A submission already
    here (a version stored under its instance ID, in force or corrected since, or a row with
    the same answers) is left unchanged: a phone resends what it is not sure arrived, the
    original of an edit too. An edited one (its deprecatedID, or its KEY, names a sheet here)
    corrects the sheet now in force in that sheet's chain of corrections, with the reason."""
    version, now = reading.version, timezone.now()
    code = version.instrument
    ids = {r.instance_id for r in reading.rows if r.instance_id}
    ids |= {r.edits for r in reading.rows if r.edits}
    received, current, corrected = set(), {}, {}
    for instance, pk, mark, status in (
        Response.objects.filter(instrument=code, instance_id__in=ids)
        .exclude(instance_id="")
        .values_list("instance_id", "pk", "fingerprint", "status")
    ):
        received.add((instance, mark))  # every version stored under the ID
        if status == ResponseStatus.SUBMITTED:
            current[instance] = (pk, mark)
        elif status == ResponseStatus.SUPERSEDED:
            corrected.setdefault(instance, pk)
    in_force = _in_force({pk for i, pk in corrected.items() if i not in current})
    for instance, pk in corrected.items():
        if instance not in current and pk in in_force:
            current[instance] = in_force[pk]
    printed = set()  # fingerprints of sheets already here, looked up a chunk at a time
    for chunk in _chunks((row.mark for row in reading.rows), LOOKUP_CHUNK):
        printed.update(
            Response.objects.filter(fingerprint__in=among(FINGERPRINT, chunk)).values_list(
                "fingerprint", flat=True
            )
        )
    new, seen, corrections = [], set(), {}
    for row in reading.rows:
        key = row.instance_id or row.mark
        if key in seen or (not row.instance_id and row.mark in printed):
            continue
        seen.add(key)
        if (row.instance_id, row.mark) in received:
            continue  # sent again: received already, whether corrected since or not
        earlier = current.get(row.instance_id) or current.get(row.edits)
        if earlier and earlier[1] == row.mark:
            continue  # the same submission, unchanged
        if earlier:
            corrections[key] = earlier[0]  # an edited submission corrects its sheet
        new.append(row)
    if corrections:
        busy = Response.objects.filter(supersedes_id__in=corrections.values())
        if busy.exists():
            raise TransferError(
                [
                    _(
                        "An edited submission corrects a sheet that is being corrected in "
                        "Parcours: submit that correction first (case %(case)s)."
                    )
                    % {"case": ", ".join(sorted({r.family.case_number for r in busy}))}
                ]
            )
    reason = _("Edited in the collection app; replaces the submission %(instance)s.")
    corrected_families = {
        row.family_id for row in new if (row.instance_id or row.mark) in corrections
    }
    for at in range(0, len(new), STORE_CHUNK):  # a chunk's objects at a time, not the file's
        chunk = new[at : at + STORE_CHUNK]
        responses = [
            Response(  # keys as keys: an instance given each time cost a descriptor's checks
                family_id=row.family_id,
                version_id=version.pk,
                instrument=code,
                status=ResponseStatus.SUBMITTED,
                author_id=actor.user.pk,
                submitted_at=row.submitted_at or now,
                imported=True,
                fingerprint=row.mark,
                instance_id=row.instance_id,
                supersedes_id=corrections.get(row.instance_id or row.mark),
                correction_reason=reason % {"instance": row.edits or row.instance_id}
                if (row.instance_id or row.mark) in corrections
                else "",
            )
            for row in chunk
        ]
        insert_objects(Response, responses)  # without the SQL compiler: a third of the time
        answered = _store_answers(
            version.definition,
            [(r, row.answers) for r, row in zip(responses, chunk, strict=True)],
        )
        # Chunk by chunk, each compared with what the chunks before it left: no sheet is held
        # past its chunk. The report's tallies count the answers as stored.
        instrument_figures.keep_latest_of(responses, answered)
        record_many(actor, AuditAction.CREATE, responses)
        tell_submitted(responses)
        if progress is not None:
            progress(_("Saving the sheets"), at + len(chunk), len(new))
    if corrections:
        Response.objects.filter(pk__in=corrections.values()).update(
            status=ResponseStatus.SUPERSEDED
        )
    _keep_figures(code, {row.family_id for row in new}, corrected_families)
    return ImportResult(
        created=len(new),
        unchanged=len(reading.rows) - len(new),
        corrected=len(corrections),
        reading=reading,
    )


def _keep_figures(code: str, families: set, corrected: set) -> None:
    """The figures after new sheets, once the latest sheets have been compared with them: those
    counted again where a correction took one out, the Baseline score pairs counted again
    where Baselines came in, and the instruments' own figures of these files."""
    if corrected:
        instrument_figures.keep_latest_sheets(list(corrected))
    if code == InstrumentCode.BASELINE:
        ids = list(families)
        for start in range(0, len(ids), figures.BATCH):
            instrument_figures.keep_baseline_scores(ids[start : start + figures.BATCH])
    figures.refresh(families, part="instruments", kept_tables=False)


class SheetRefused(Exception):
    """A sheet sent from outside (a phone, the API) that is not stored: ``errors`` by question
    code; ``status`` 409 for a conflict with what is stored (another sheet under its ID)."""

    def __init__(self, message: str, errors: dict | None = None, status: int = 400):
        super().__init__(message)
        self.errors = errors or {}
        self.status = status


def receive_sheet(
    actor: Actor,
    family,
    version: InstrumentVersion,
    raw: dict,
    *,
    instance_id: str = "",
    edits: str = "",
    language: str = "en",
) -> tuple[Response, bool]:
    """One complete sheet sent from outside: checked as the web form checks it, stored as an
    import stores it (visibility is the caller's; audit, immutability and resends here). The
    sheet in force under ``instance_id`` and whether it is new: a resend stores nothing."""
    definition = version.definition
    answers, errors = check(definition, raw, language, complete=True)
    if errors:
        raise SheetRefused(
            _("Some answers cannot be stored: %(errors)s")
            % {"errors": "; ".join(f"{code}: {message}" for code, message in errors.items())},
            errors,
        )
    if instance_id:
        earlier = Response.objects.filter(instrument=version.instrument, instance_id=instance_id)
        mark = fingerprint(family.pk, version.instrument, answers)
        first = earlier.order_by("created_at").first()
        if first is not None and not earlier.filter(fingerprint=mark).exists():
            raise SheetRefused(
                _("A different sheet was sent earlier under the same ID; it was not replaced."),
                status=409,
            )
    row = Row.of(version.instrument, 1, family.pk, answers, None, instance_id, edits)
    try:
        result = store(actor, Reading(version, [row]))
    except TransferError as error:
        raise SheetRefused(" ".join(error.errors), status=409) from None
    stored = Response.objects.filter(family=family, fingerprint=row.mark).order_by("-created_at")
    return stored.first(), result.created > 0


def tell_submitted(responses: list[Response]) -> int:
    """sheet.submitted for each new submitted sheet, to the subscriptions that want it: ids,
    the instrument, the case number and times, never an answer."""
    if not responses or not webhooks.wanted(webhooks.EventType.SHEET_SUBMITTED):
        return 0
    families = {
        pk: (project_id, slug, number)
        for pk, project_id, slug, number in Family.objects.filter(
            pk__in={r.family_id for r in responses}
        ).values_list("pk", "project_id", "project__slug", "case_number")
    }
    items = []
    for response in responses:
        project_id, slug, number = families[response.family_id]
        data = {
            "sheet_id": str(response.pk),
            "instrument": response.instrument,
            "instance_id": response.instance_id,
            "family_id": str(response.family_id),
            "case_number": number,
            "project": slug,
            "submitted_at": response.submitted_at.isoformat(),
            "corrects": str(response.supersedes_id) if response.supersedes_id else None,
        }
        items.append((project_id, data, f"sheet:{response.pk}"))
    return webhooks.emit_many(webhooks.EventType.SHEET_SUBMITTED, items)


def _in_force(pks: set) -> dict:
    """For each corrected sheet, the sheet now in force at the end of its chain of corrections
    (pk, fingerprint); a chain that ends in a draft has none yet."""
    found, frontier = {}, {pk: pk for pk in pks}  # a sheet of the chain -> where it started
    while frontier:
        following = {}
        for pk, previous, mark, status in Response.objects.filter(
            supersedes_id__in=frontier
        ).values_list("pk", "supersedes_id", "fingerprint", "status"):
            start = frontier[previous]
            if status == ResponseStatus.SUBMITTED:
                found[start] = (pk, mark)
            elif status == ResponseStatus.SUPERSEDED:
                following[pk] = start
        frontier = following
    return found


def summary(result) -> list[str]:
    """What an import did, for the command line and the upload page."""
    reading = result.reading
    lines = [
        _("Imported %(created)s sheet(s); %(unchanged)s already there, unchanged.")
        % {"created": result.created, "unchanged": result.unchanged}
    ]
    if result.corrected:
        lines.append(
            ngettext(
                "%(n)s of them corrects an earlier sheet (an edited submission).",
                "%(n)s of them correct earlier sheets (edited submissions).",
                result.corrected,
            )
            % {"n": result.corrected}
        )
    if reading.rejected:
        lines.append(
            ngettext(
                "%(n)s rejected or not approved submission skipped.",
                "%(n)s rejected or not approved submissions skipped.",
                reading.rejected,
            )
            % {"n": reading.rejected}
        )
    if reading.noon:
        lines.append(
            ngettext(
                "%(n)s sheet had a date of submission without a time: dated at noon, %(zone)s.",
                "%(n)s sheets had a date of submission without a time: dated at noon, %(zone)s.",
                reading.noon,
            )
            % {"n": reading.noon, "zone": timezone.get_current_timezone_name()}
        )
    if reading.skipped_columns:
        lines.append(
            _("Columns not imported (notes and export metadata): %(columns)s")
            % {"columns": ", ".join(reading.skipped_columns)}
        )
    if reading.unmatched:
        lines.append(_("Rows left out:"))
        lines += [f"  {problem}" for problem in reading.unmatched]
    return lines


def _store_answers(definition: Definition, sheets) -> dict:
    """The answers of saved sheets, inserted in bulk without a model instance each (an instance
    per answer costs more than the insert itself: bench/import_sheets.py), with values prepared
    by the fields themselves, as the ORM would write them: free text sealed by its field,
    bound to the sheet and the question as the model binds it. Returns each sheet's (code,
    value) pairs as stored."""
    meta = Answer._meta
    fields = [meta.get_field(n) for n in ("response", "code", "value", "text")]
    prepare, text_field = fields[0].get_db_prep_value, fields[3]
    stored = {}
    keyring()  # loaded (a query the first time) before the rows are sent: see insert_many

    def params():  # made as they are sent: PostgreSQL writes the first while the next are made
        for response, answers in sheets:
            reference = prepare(response.pk, connection)
            pairs = stored[response.pk] = []
            for row in to_rows(definition, answers):
                code, text = row["code"], row["text"]
                sealed = text_field.seal(text, f"{response.pk}:{code}") if text else ""
                yield (reference, code, row["value"], sealed)
                pairs.append((code, row["value"]))

    insert_many(meta.db_table, [f.column for f in fields], params())
    return stored


# The tables an import grows, whose statistics are taken again after it.
GROWN = (Response, Answer, LatestSheet, BaselineScore)
STORE_CHUNK = 2000  # sheets saved at a time: an import holds this many objects, not all
EXPORT_CHUNK = 1000  # sheets read at a time: an export holds this many, not all of them


def export_rows(code: str, project, *, pseudonymise: bool):
    """(header, rows) of every submitted sheet of the project, the rows an iterator that reads
    the sheets EXPORT_CHUNK at a time; free text left out when pseudonymised, and the case
    number replaced by a keyed pseudonym."""
    version = InstrumentVersion.objects.active(code, project)
    definition = version.definition
    questions = [q for q in definition.answerable if not (pseudonymise and q.type == "text")]
    # When each sheet was submitted: an import of the export dates the sheets the same way.
    header = [CASE_FIELD, *(q.name for q in questions), "submitted_at"]
    responses = Response.objects.filter(
        family__project=project, instrument=code, status=ResponseStatus.SUBMITTED
    )
    if pseudonymise:  # for readers outside the organisation: consent to evaluation decides
        responses = responses.filter(family__in=Family.objects.filter(consents_to_evaluation()))
    responses = (
        responses.select_related("family", "version")
        .prefetch_related("answers")
        .order_by("family__case_number", "submitted_at", "pk")
    )

    def rows():
        for response in responses.iterator(chunk_size=EXPORT_CHUNK):
            answers = from_rows(response.version.definition, response.answers.all())
            case = response.family.pseudonym if pseudonymise else response.family.case_number
            submitted = response.submitted_at.isoformat() if response.submitted_at else ""
            yield [case, *(_export_value(answers.get(q.name)) for q in questions), submitted]

    return header, rows()


def _export_value(value):
    if isinstance(value, list):
        return " ".join(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def template(code: str, language: str):
    """(header, rows, extra sheets): codes, labels, and the choice lists."""
    definition = InstrumentVersion.objects.active(code).definition
    questions = definition.answerable
    header = [CASE_FIELD, *(q.name for q in questions)]
    labels = [TEMPLATE_LABEL, *(q.label(language) for q in questions)]
    choices = [["list_name", "code", "label"]] + [
        [list_name, choice, labels_.get(language) or labels_.get("en", "")]
        for list_name, items in definition.choices.items()
        for choice, labels_ in items
    ]
    return header, [labels], [("choices", choices)]
