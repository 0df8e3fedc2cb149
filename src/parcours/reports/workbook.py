"""The report as a workbook: the page's own sections and tables, a sheet each, read from the very
HTML the page and the PDF are drawn from, so the spreadsheet never says what the page does not.

Headings name the sheets; header rows are bold and frozen; numbers and percentages are numbers
(a percentage in percent format), read with the language's own separators. A last sheet,
"data", holds the codes for analysts (the CSV stays the machine-readable output).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils import formats

from parcours.spreadsheets import Percent, TableWriter

SKIPPED = {"svg", "style", "script", "title", "head"}
TEXT_BLOCKS = {"p", "li", "h1", "h2", "h3", "caption", "figcaption"}
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
SPACES = "\u00a0\u202f "
TRAILING = " \u2013-\u00b7,;"  # what a name cut at 31 characters should not end with


@dataclass
class Block:
    kind: str  # title, heading, subheading, text, table
    text: str = ""
    rows: list = field(default_factory=list)  # (cells, is_header) for a table


class _Reader(HTMLParser):
    """Headings, paragraphs, list items and tables, in document order; pictures skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skipping = 0
        self.text: list[str] | None = None
        self.table: Block | None = None
        self.row: list[str] | None = None
        self.header_row = False
        self.cell: list[str] | None = None
        self.span = 1
        self.in_thead = False

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "table":
            self.table = Block("table")
        elif tag == "tr" and self.table is not None:
            self.row, self.header_row = [], False
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.span = int(dict(attrs).get("colspan") or 1)
            self.header_row = self.header_row or (tag == "th" and self.in_thead)
        elif tag == "thead":
            self.in_thead = True
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")
        elif tag in TEXT_BLOCKS and self.cell is None:
            self.text = []

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag == "thead":
            self.in_thead = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(_squash("".join(self.cell)))
            self.row.extend([""] * (self.span - 1))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.table is not None:
            if any(self.row):
                self.table.rows.append((self.row, self.header_row))
            self.row = None
        elif tag == "table" and self.table is not None:
            if self.table.rows:
                self.blocks.append(self.table)
            self.table = None
        elif tag in TEXT_BLOCKS and self.text is not None:
            text = _squash("".join(self.text))
            kind = {"h1": "title", "h2": "heading", "h3": "subheading"}.get(tag, "text")
            if tag in ("caption", "figcaption"):
                kind = "subheading"
            if text:
                self.blocks.append(Block(kind, text))
            self.text = None

    def handle_data(self, data):
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.text is not None:
            self.text.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def read(html: str) -> list[Block]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks


def _number(text: str, decimal: str, thousands: str):
    """A number or a percentage as the page wrote it, else the text."""
    plain = text
    for space in SPACES:
        plain = plain.replace(space, "")
    if thousands and thousands not in SPACES and thousands != decimal:
        pattern = rf"-?\d{{1,3}}({re.escape(thousands)}\d{{3}})+({re.escape(decimal)}\d+)?%?"
        if re.fullmatch(pattern, plain):
            plain = plain.replace(thousands, "")
    plain = plain.replace(decimal, ".")
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(%?)", plain)
    if not match:
        return text
    value = float(match[1])
    if match[2]:
        return Percent(value / 100)
    return int(value) if value.is_integer() and "." not in match[1] else value


def _sheet_name(text: str, taken: set[str]) -> str:
    name = " ".join(SHEET_NAME.sub(" ", text).split())[:31].rstrip(TRAILING) or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def workbook(html: str, data_rows) -> bytes:
    """The page as sheets (one per heading, the title page first), then the "data" sheet."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR")
    writer = TableWriter("xlsx")
    taken: set[str] = set()
    frozen = False
    for block in read(html):
        if block.kind in ("title", "heading"):
            writer.sheet(_sheet_name(block.text, taken), widths=[52] + [14] * 12)
            writer.append([block.text], style="title")
            frozen = False
            continue
        if not writer.sheets:
            writer.sheet(_sheet_name("Report", taken), widths=[52] + [14] * 12)
        if block.kind == "subheading":
            writer.append([])
            writer.append([block.text], style="heading")
        elif block.kind == "text":
            writer.append([block.text])
        else:
            writer.append([])
            for cells, is_header in block.rows:
                if is_header:
                    writer.append(cells, style="heading")
                    if not frozen:
                        writer.freeze_here()
                        frozen = True
                else:
                    writer.append([cells[0], *(_number(c, decimal, thousands) for c in cells[1:])])
    writer.sheet("data", list(data_rows), widths=[22, 40, 18, 12, 12])
    return writer.to_bytes()
