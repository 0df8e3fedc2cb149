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


def write_table(path: Path, header: list[str], rows, extra_sheets=()) -> None:
    """Write CSV or XLSX by the file's extension."""
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    path.write_bytes(table_bytes(fmt, header, rows, extra_sheets))


def table_bytes(fmt: str, header: list[str], rows, extra_sheets=()) -> bytes:
    """A table as CSV (UTF-8) or XLSX; XLSX keeps numbers as numbers."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for title, sheet_rows in extra_sheets:
        extra = book.create_sheet(title)
        for row in sheet_rows:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
