"""Reading and writing the CSV and XLSX files that teams exchange with Parcours."""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _


class SpreadsheetError(ValueError):
    pass


def read_table(name: str, data: bytes) -> tuple[list[str], list[list]]:
    """(header, rows) of the first sheet of an XLSX file, or of a UTF-8 CSV file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:
            raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from None
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
    elif suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpreadsheetError(_("Save the CSV file as UTF-8.")) from None
        values = list(csv.reader(io.StringIO(text)))
    else:
        raise SpreadsheetError(_("Upload a .csv or .xlsx file."))
    while values and not any(v not in (None, "") for v in values[-1]):
        values.pop()
    if not values:
        raise SpreadsheetError(_("The file is empty."))
    header = [str(h if h is not None else "").strip() for h in values[0]]
    return header, values[1:]


# OWASP's CSV-injection rule: a text cell that a spreadsheet would read as a formula (or that
# smuggles one after a tab or carriage return) is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell as it may be written: numbers, dates and empties as they are, text defused."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


class TableWriter:
    """The one writer of every CSV and XLSX Parcours produces: one or more named sheets of
    rows, each cell through ``safe_cell``. A CSV holds the first sheet only."""

    def __init__(self, fmt: str):
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"unknown table format {fmt!r}")
        self.fmt = fmt
        self.sheets: list[tuple[str, list[list]]] = []

    def sheet(self, title: str, rows=()) -> list[list]:
        """Add a sheet (rows may follow with ``append``); returns its row list."""
        rows = [safe_row(row) for row in rows]
        self.sheets.append((title, rows))
        return rows

    def append(self, row) -> None:
        self.sheets[-1][1].append(safe_row(row))

    def to_bytes(self) -> bytes:
        if self.fmt == "csv":
            out = io.StringIO()
            csv.writer(out).writerows(self.sheets[0][1] if self.sheets else [])
            return out.getvalue().encode()
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for title, rows in self.sheets:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def write_table(path: Path, header: list[str], rows, extra_sheets=()) -> None:
    """Write CSV or XLSX by the file's extension."""
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    path.write_bytes(table_bytes(fmt, header, rows, extra_sheets))


def table_bytes(fmt: str, header: list[str], rows, extra_sheets=()) -> bytes:
    """A table as CSV (UTF-8) or XLSX; XLSX keeps numbers as numbers."""
    writer = TableWriter(fmt)
    data = writer.sheet("data", [header])
    for row in rows:
        data.append(safe_row(row))
    for title, sheet_rows in extra_sheets:
        writer.sheet(title, sheet_rows)
    return writer.to_bytes()
