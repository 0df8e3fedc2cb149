"""Moving sheets in and out as spreadsheets: templates, imports (ours, KoboToolbox's, ODK's)
and exports. Imports are all or nothing and name every bad cell by row, column and value.

The file has a ``case`` column (the case number), then one column per question code; choice
values are codes, several choices are separated by spaces, an empty cell is "no answer".
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from parcours.cases.models import Family
from parcours.casework.models import consents_to_evaluation
from parcours.instruments.answers import check, from_rows, to_rows
from parcours.instruments.models import Answer, InstrumentVersion, Response, ResponseStatus
from parcours.instruments.xlsform import CASE_FIELD, Definition
from parcours.privacy.audit import Actor, record_many
from parcours.privacy.models import AuditAction
from parcours.spreadsheets import read_table

MAX_ERRORS = 50
TEMPLATE_LABEL = "case number"  # the template's second row, for people, skipped on import
# Columns that KoboToolbox and ODK add to their exports, never questions.
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
    "__version__",
}


class TransferError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    unchanged: int


def _column_code(header: str, definition: Definition) -> str | None:
    """A question code for a header: ``code``, or a group path ``group/code`` (Kobo) or
    ``group-code`` (ODK Central); None for export metadata and Kobo's split-choice columns."""
    known = {q.name for q in definition.answerable} | {CASE_FIELD}
    if header in known:
        return header
    parts = header.split("/")
    if len(parts) > 1:
        if parts[-1] in known:
            return parts[-1]
        if parts[-2] in definition.multiple:
            return None  # Kobo's 0/1 column per choice, beside the space-separated one
    if "-" in header and header.rsplit("-", 1)[-1] in known:
        return header.rsplit("-", 1)[-1]
    name = parts[-1].lower()
    if name.startswith("_") or name in METADATA or header.lower().startswith("meta"):
        return None
    return "?"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def fingerprint(family_id, instrument: str, answers) -> str:
    canonical = json.dumps({"f": str(family_id), "i": instrument, "a": answers}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_responses(code: str, project, name: str, data: bytes) -> tuple[InstrumentVersion, list]:
    """Validate a whole file; returns (version, [(family, answers)]) or raises TransferError."""
    version = InstrumentVersion.objects.active(code, project)
    definition = version.definition
    try:
        header, rows = read_table(name, data)
    except ValueError as error:
        raise TransferError([str(error)]) from None
    codes = [_column_code(h, definition) for h in header]
    errors = [
        f"column {h!r}: not a question of {code} {version.version}"
        for h, c in zip(header, codes, strict=True)
        if c == "?" and h
    ]
    if CASE_FIELD not in codes:
        errors.insert(0, "the first column must be 'case' (the case number)")
    if errors:
        raise TransferError(errors)
    families = {
        f.case_number: f
        for f in Family.objects.filter(project=project)
        .exclude(case_number="")
        .only("id", "case_number", "project_id")
    }
    seen: dict[str, int] = {}
    parsed = []
    for number, row in enumerate(rows, start=2):
        cells = {c: _cell(v) for c, v in zip(codes, row, strict=False) if c not in (None, "?")}
        case = cells.pop(CASE_FIELD, "")
        if (not case and not any(cells.values())) or case == TEMPLATE_LABEL:
            continue
        family = families.get(case)
        if family is None:
            errors.append(f"row {number}, column case, {case!r}: no such case in {project.slug}")
        elif case in seen:
            errors.append(
                f"row {number}, column case, {case!r}: the case is also on row "
                f"{seen[case]}; one row per case in one file"
            )
        else:
            seen[case] = number
        raw = {k: (v.split() if k in definition.multiple else v) for k, v in cells.items()}
        answers, problems = check(definition, raw, "en", complete=False)
        for code_, message in problems.items():
            errors.append(f"row {number}, column {code_}, {cells.get(code_, '')!r}: {message}")
        if family is not None:
            parsed.append((family, answers))
        if len(errors) >= MAX_ERRORS:
            errors.append("… and possibly more; correct these first")
            break
    if errors:
        raise TransferError(errors)
    if not parsed:
        raise TransferError(["the file has no rows"])
    return version, parsed


@transaction.atomic
def import_responses(actor: Actor, code: str, project, name: str, data: bytes) -> ImportResult:
    """Submitted sheets for every row; a row already imported with the same answers is skipped."""
    version, parsed = read_responses(code, project, name, data)
    prints = {fingerprint(f.pk, code, a): (f, a) for f, a in parsed}
    existing = set(
        Response.objects.filter(fingerprint__in=prints).values_list("fingerprint", flat=True)
    )
    now = timezone.now()
    new = [(p, f, a) for p, (f, a) in prints.items() if p not in existing]
    responses = Response.objects.bulk_create(
        Response(
            family=f,
            version=version,
            instrument=code,
            status=ResponseStatus.SUBMITTED,
            author=actor.user,
            submitted_at=now,
            imported=True,
            fingerprint=p,
        )
        for p, f, a in new
    )
    definition = version.definition
    rows = [
        (response, row)
        for response, (_p, _f, answers) in zip(responses, new, strict=True)
        for row in to_rows(definition, answers)
    ]
    insert_answers([(r, row) for r, row in rows if not row["text"]])
    Answer.objects.bulk_create(  # free text goes through the model: it is encrypted
        (Answer(response=r, **row) for r, row in rows if row["text"]), batch_size=1000
    )
    record_many(actor, AuditAction.CREATE, responses)
    return ImportResult(created=len(responses), unchanged=len(parsed) - len(new))


def insert_answers(rows) -> None:
    """Insert coded answers (no free text) without building a model instance for each.

    The hot path of an import: a model instance per answer costs more than the insert itself
    (bench/import_sheets.py). Values are
    prepared by the fields themselves, so rows are what the ORM would write, on SQLite and
    PostgreSQL alike.
    """
    meta = Answer._meta
    fields = [meta.get_field(n) for n in ("response", "code", "value", "text")]
    prepare_response = fields[0].get_db_prep_value
    params = [
        (prepare_response(r.pk, connection), row["code"], row["value"], "") for r, row in rows
    ]
    insert_many(meta.db_table, [f.column for f in fields], params)


def insert_many(table: str, columns: list[str], params: list[tuple]) -> None:
    """Insert rows in bulk: PostgreSQL's COPY, or one prepared INSERT run over all rows
    (SQLite's executemany loops in C)."""
    quote = connection.ops.quote_name
    columns_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns_sql}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({columns_sql}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, params)


def export_rows(code: str, project, *, pseudonymise: bool):
    """(header, rows) of every submitted sheet of the project; free text left out when
    pseudonymised, and the case number replaced by a keyed pseudonym."""
    version = InstrumentVersion.objects.active(code, project)
    definition = version.definition
    questions = [q for q in definition.answerable if not (pseudonymise and q.type == "text")]
    header = [CASE_FIELD, *(q.name for q in questions)]
    responses = Response.objects.filter(
        family__project=project, instrument=code, status=ResponseStatus.SUBMITTED
    )
    if pseudonymise:  # for readers outside the organisation: consent to evaluation decides
        responses = responses.filter(family__in=Family.objects.filter(consents_to_evaluation()))
    responses = (
        responses.select_related("family", "version")
        .prefetch_related("answers")
        .order_by("family__case_number", "submitted_at")
    )
    rows = []
    for response in responses:
        answers = from_rows(response.version.definition, response.answers.all())
        case = response.family.case_number
        if pseudonymise:
            case = response.family.pseudonym
        rows.append([case, *(_export_value(answers.get(q.name)) for q in questions)])
    return header, rows


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
