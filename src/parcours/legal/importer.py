"""Import a family's history from a spreadsheet (CSV or XLSX), for teams moving from Excel.

Columns: date, precision, type, person, description. The import is all or nothing: every bad
cell is reported with its row and column, and nothing is written unless every row is good.
"""

import datetime

from django.utils.translation import gettext as _

from parcours.legal.choices import EventKind, Precision
from parcours.privacy.crypto import normalise
from parcours.spreadsheets import SpreadsheetError, read_table, read_upload

COLUMNS = ["date", "precision", "type", "person", "description"]
MAX_ERRORS = 50
MAX_ROWS = 5000


class HistoryImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_rows(upload) -> list[dict]:
    """Rows as dicts keyed by the lower-case header; numbered from 2 like a spreadsheet."""
    try:
        header, values = read_table(upload.name, read_upload(upload), max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        raise HistoryImportError([str(error)]) from None
    header = [h.lower() for h in header]
    missing = [c for c in ("date", "type") if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing or unknown:
        errors = [_("Missing column: %(c)s") % {"c": c} for c in missing]
        errors += [_("Unknown column: %(c)s") % {"c": c} for c in unknown]
        raise HistoryImportError(errors)
    return [dict(zip(header, row, strict=False)) for row in values]


def _date(value) -> tuple[datetime.date, str]:
    """A cell as (date, precision guessed from its form): 2012-03-04, 2012-03 or 2012."""
    if isinstance(value, datetime.datetime):
        return value.date(), Precision.DAY
    if isinstance(value, datetime.date):
        return value, Precision.DAY
    text = str(value).strip()
    if isinstance(value, int | float) and float(value).is_integer():
        text = str(int(value))
    if len(text) == 4 and text.isdigit():
        return datetime.date(int(text), 7, 1), Precision.YEAR
    if len(text) == 7 and text[4] == "-":
        return datetime.date(int(text[:4]), int(text[5:]), 15), Precision.MONTH
    return datetime.date.fromisoformat(text), Precision.DAY


def validate(rows: list[dict], members, today: datetime.date) -> list[dict]:
    """Checked rows ready to save; raises HistoryImportError naming every bad cell."""
    names = {}
    for person in members:
        names[normalise(person.full_name)] = person
        names.setdefault(normalise(person.given_name), person)
    errors, clean = [], []
    latest = today + datetime.timedelta(days=366)
    for number, row in enumerate(rows, start=2):
        if not any(str(v or "").strip() for v in row.values()):
            continue
        problems = []

        def bad(column, value, why, problems=problems, number=number):
            problems.append(
                _("Row %(row)s, column %(column)s, “%(value)s”: %(why)s")
                % {"row": number, "column": column, "value": value, "why": why}
            )

        raw_date = row.get("date")
        on = precision = None
        try:
            on, precision = _date(raw_date)
            if on > latest:
                bad("date", raw_date, _("more than a year in the future"))
        except (ValueError, TypeError):
            bad("date", raw_date or "", _("not a date (YYYY-MM-DD, YYYY-MM or YYYY)"))
        given_precision = str(row.get("precision") or "").strip().lower()
        if given_precision:
            if given_precision in Precision.values:
                precision = given_precision
            else:
                bad("precision", given_precision, ", ".join(Precision.values))
        kind = str(row.get("type") or "").strip().lower()
        if kind not in EventKind.values:
            bad("type", kind, _("not one of %(codes)s") % {"codes": ", ".join(EventKind.values)})
        persons = []
        for name in filter(None, (n.strip() for n in str(row.get("person") or "").split(";"))):
            person = names.get(normalise(name))
            if person is None:
                bad("person", name, _("no member of this family has this name"))
            else:
                persons.append(person)
        if problems:
            errors.extend(problems)
        else:
            clean.append(
                {
                    "on": on,
                    "precision": precision,
                    "kind": kind,
                    "persons": persons,
                    "description": str(row.get("description") or "").strip(),
                }
            )
        if len(errors) >= MAX_ERRORS:
            errors.append(_("… and possibly more; correct these first."))
            break
    if errors:
        raise HistoryImportError(errors)
    if not clean:
        raise HistoryImportError([_("The file has no rows.")])
    return clean
