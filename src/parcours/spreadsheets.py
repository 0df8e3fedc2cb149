"""Reading and writing the CSV and XLSX files that teams exchange with Parcours."""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A workbook member that unpacks to more than this many times its packed size is not a
# spreadsheet people typed (ordinary XLSX files pack 5 to 20 times): a "zip bomb".
MAX_PACKING_RATIO = 100


class SpreadsheetError(ValueError):
    pass


def check_size(name: str, size: int) -> None:
    """Refuse a file above PARCOURS_MAX_IMPORT_MB before anything reads it."""
    limit = settings.PARCOURS_MAX_IMPORT_BYTES
    if size > limit:
        raise SpreadsheetError(
            _("%(name)s is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def read_upload(upload) -> bytes:
    """An uploaded file's bytes, once its size is known to be within the limit."""
    check_size(upload.name, upload.size)
    return upload.read()


def read_file(path: Path) -> bytes:
    """A file named on the command line, once its size is known to be within the limit."""
    check_size(path.name, path.stat().st_size)
    return path.read_bytes()


def check_workbook(name: str, data: bytes) -> None:
    """Refuse an XLSX whose members unpack beyond the limits, before openpyxl unpacks it."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        message = _("%(name)s is not a readable .xlsx workbook.") % {"name": name}
        raise SpreadsheetError(message) from None
    unpacked = sum(m.file_size for m in members)
    inflated = any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if unpacked > settings.PARCOURS_MAX_UNPACKED_BYTES or inflated:
        raise SpreadsheetError(
            _(
                "%(name)s unpacks to %(size)s, far more than a spreadsheet of its size holds; "
                "it is refused. Save it again from your spreadsheet program, or as CSV."
            )
            % {"name": name, "size": filesizeformat(unpacked)}
        )


def _limited(rows, name: str, max_rows: int):
    """The data rows, stopping with an error as soon as there are more than ``max_rows``."""
    for number, row in enumerate(rows, start=1):
        if number > max_rows:
            raise SpreadsheetError(
                _("%(name)s has more than %(max)s rows; import it in parts.")
                % {"name": name, "max": max_rows}
            )
        yield row


def _csv_in_zip(name: str, data: bytes) -> bytes:
    """The main table of an ODK Central download (.csv.zip): FORM.csv, beside its repeats'
    FORM-group.csv files and a media folder."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            _("%(name)s is not a readable .zip file.") % {"name": name}
        ) from None
    tables = [
        m
        for m in archive.infolist()
        if m.filename.lower().endswith(".csv") and "/" not in m.filename.strip("/")
    ]
    if not tables:
        raise SpreadsheetError(_("%(name)s holds no CSV file.") % {"name": name})
    main = min(tables, key=lambda m: len(m.filename))
    if main.file_size > settings.PARCOURS_MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("%(name)s unpacks to %(size)s, more than an import may hold; import it in parts.")
            % {"name": name, "size": filesizeformat(main.file_size)}
        )
    return archive.read(main)


def read_table(name: str, data: bytes, max_rows: int | None = None) -> tuple[list[str], list[list]]:
    """(header, rows) of the first sheet of an XLSX file, of a UTF-8 CSV file, or of the main
    CSV of an ODK Central .csv.zip download, without its trailing empty rows.

    The size, an XLSX file's unpacked size and the number of rows are checked before and while
    reading, so a large or hostile file costs neither memory nor minutes.
    """
    header, rows = iter_table(name, data, max_rows)
    values = list(rows)
    while values and not any(v not in (None, "") for v in values[-1]):
        values.pop()
    return header, values


def iter_table(name: str, data: bytes, max_rows: int | None = None):
    """(header, rows) as ``read_table`` reads them, the rows an iterator read as they are
    used (a 100 000-row import never holds them all), empty rows included."""
    check_size(name, len(data))
    max_rows = max_rows or settings.PARCOURS_MAX_IMPORT_ROWS
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        check_workbook(name, data)
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
        except Exception:
            raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from None
        rows = _unreadable_as_error(map(list, rows))
    elif suffix in (".csv", ".zip"):
        raw = _csv_in_zip(name, data) if suffix == ".zip" else data
        if not _is_utf8(raw):
            raise SpreadsheetError(_("Save the CSV file as UTF-8."))
        end = raw.find(b"\n")
        line = raw[: end if end != -1 else len(raw)]
        delimiter = ";" if line.count(b";") > line.count(b",") else ","  # KoboToolbox: ";"
        # Decoded as the reader goes: the whole text decoded at once was a second copy of the
        # file in memory (20 MB for 100 000 sheets). newline="" leaves the line ends to csv.
        text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
        rows = csv.reader(text, delimiter=delimiter)
        first = next(rows, None)
    else:
        raise SpreadsheetError(_("Upload a .csv, .xlsx or .csv.zip file."))
    if first is None or not any(v not in (None, "") for v in first):
        raise SpreadsheetError(_("The file is empty."))
    header = [str(h if h is not None else "").strip() for h in first]
    return header, _limited(rows, name, max_rows)


def _is_utf8(data: bytes, step: int = 1 << 20) -> bool:
    """Whether ``data`` is UTF-8 throughout, checked a megabyte at a time without keeping the
    text: a file is refused before any row is read, never halfway."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _unreadable_as_error(rows):
    try:
        yield from rows
    except Exception:
        raise SpreadsheetError(_("The file is not a readable .xlsx workbook.")) from None


def row_count(name: str, data: bytes) -> int:
    """About how many rows a file holds, without reading them: enough to decide whether its
    import runs in the background. 0 when the file cannot be opened (reading it says why)."""
    try:
        if Path(name).suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            check_workbook(name, data)
            sheet = load_workbook(io.BytesIO(data), read_only=True).active
            return max((sheet.max_row or 0) - 1, 0)
        raw = _csv_in_zip(name, data) if name.lower().endswith(".zip") else data
        return raw.count(b"\n")
    except Exception:
        return 0


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


class Percent(float):
    """A share (0.75 is 75 %): written as a number in percent format."""


@dataclass
class _Sheet:
    title: str
    rows: list = field(default_factory=list)
    styles: dict = field(default_factory=dict)  # row index -> "title" or "heading"
    widths: list = field(default_factory=list)  # column widths, in characters
    frozen: int = 0  # rows kept in view while scrolling


class TableWriter:
    """The one writer of every CSV and XLSX Parcours produces: one or more named sheets of
    rows, each cell through ``safe_cell``. A CSV holds the first sheet only; an XLSX may have
    bold title and heading rows, frozen header rows, column widths and percentages."""

    def __init__(self, fmt: str):
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"unknown table format {fmt!r}")
        self.fmt = fmt
        self.sheets: list[_Sheet] = []

    def sheet(self, title: str, rows=(), *, widths=()) -> list[list]:
        """Add a sheet (rows may follow with ``append``); returns its row list."""
        sheet = _Sheet(title, [safe_row(row) for row in rows], widths=list(widths))
        self.sheets.append(sheet)
        return sheet.rows

    def append(self, row, style: str | None = None) -> None:
        sheet = self.sheets[-1]
        if style:
            sheet.styles[len(sheet.rows)] = style
        sheet.rows.append(safe_row(row))

    def freeze_here(self) -> None:
        """Keep the rows written so far in view while the rest of the sheet scrolls."""
        self.sheets[-1].frozen = len(self.sheets[-1].rows)

    def to_bytes(self) -> bytes:
        if self.fmt == "csv":
            out = io.StringIO()
            csv.writer(out).writerows(self.sheets[0].rows if self.sheets else [])
            return out.getvalue().encode()
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        fonts = {"title": Font(bold=True, size=13), "heading": Font(bold=True)}
        book = Workbook(write_only=True)
        for sheet in self.sheets:
            out_sheet = book.create_sheet(sheet.title)
            for number, width in enumerate(sheet.widths, start=1):
                out_sheet.column_dimensions[get_column_letter(number)].width = width
            if sheet.frozen:
                out_sheet.freeze_panes = f"A{sheet.frozen + 1}"
            for index, row in enumerate(sheet.rows):
                font = fonts.get(sheet.styles.get(index))
                if font is None and not any(isinstance(v, Percent) for v in row):
                    out_sheet.append(row)
                    continue
                cells = []
                for value in row:
                    cell = WriteOnlyCell(out_sheet, value=value)
                    if isinstance(value, Percent):
                        cell.value, cell.number_format = float(value), "0%"
                    if font is not None:
                        cell.font = font
                    cells.append(cell)
                out_sheet.append(cells)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def write_table(path: Path, header: list[str], rows, extra_sheets=()) -> int:
    """Write CSV or XLSX by the file's extension, row by row as ``rows`` yields them (a long
    export never sits in memory whole); every cell through ``safe_cell``. Returns the rows
    written."""
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    with path.open("wb") as out:
        return stream_table(fmt, header, rows, out, extra_sheets)


def stream_table(fmt: str, header: list[str], rows, out, extra_sheets=()) -> int:
    """Write a table to the binary file ``out`` as the rows come: CSV (UTF-8, the table only),
    or XLSX through openpyxl's write-only mode, which keeps numbers as numbers, with any
    ``extra_sheets`` (title, rows) after it."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(safe_row(header))
        for row in rows:
            writer.writerow(safe_row(row))
            count += 1
        text.detach()
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
        count += 1
    for title, extra_rows in extra_sheets:
        extra = book.create_sheet(title)
        for row in extra_rows:
            extra.append(safe_row(row))
    book.save(out)
    return count
