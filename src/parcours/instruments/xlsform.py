"""Reading an XLSForm (survey, choices and settings sheets) into what Parcours renders.

Supported: the types ``integer``, ``decimal``, ``text``, ``date``, ``note``,
``select_one LIST``, ``select_multiple LIST``, ``begin_group``/``end_group``; the columns
``name``, ``label::LANG (xx)``, ``hint::…``, ``required``, ``relevant``, ``constraint``,
``constraint_message::…``; expressions as in ``expressions.py``. Anything else is refused with
its sheet and row, so an instrument never half-works.
"""

import functools
import io
import re
from dataclasses import dataclass, field

from openpyxl import load_workbook

from parcours.instruments.expressions import Expression, ExpressionError
from parcours.spreadsheets import SpreadsheetError, check_workbook

# The case number: part of each XLSForm so that ODK and KoboToolbox exports carry it, filled
# in by Parcours itself and never stored as an answer.
CASE_FIELD = "case"
QUESTION_TYPES = {"integer", "decimal", "text", "date", "note"}
SELECTS = {"select_one", "select_multiple"}
NUMERIC = {"integer", "decimal"}
KNOWN_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
}
LANGUAGE = re.compile(r"\((\w{2,3})\)\s*$")
NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


class XLSFormError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Question:
    name: str
    type: str  # integer, decimal, text, date, note, select_one, select_multiple
    labels: dict[str, str]
    hints: dict[str, str] = field(default_factory=dict)
    list_name: str = ""
    required: bool = False
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_messages: dict[str, str] = field(default_factory=dict)
    group: str = ""
    row: int = 0
    appearance: str = ""  # "country" on a text question: the web form offers a country list

    @property
    def is_choice(self) -> bool:
        return self.type in SELECTS

    def text_in(self, texts: dict[str, str], language: str) -> str:
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")

    def label(self, language: str) -> str:
        return self.text_in(self.labels, language) or self.name


@dataclass
class Definition:
    form_id: str
    version: str
    title: str
    questions: list[Question]
    choices: dict[str, list[tuple[str, dict[str, str]]]]
    groups: dict[str, dict[str, str]]

    def question(self, name: str) -> Question:
        return next(q for q in self.questions if q.name == name)

    @functools.cached_property
    def answerable(self) -> list[Question]:
        return [q for q in self.questions if q.type != "note" and q.name != CASE_FIELD]

    @functools.cached_property
    def shown(self) -> list[Question]:
        return [q for q in self.questions if q.name != CASE_FIELD]

    @functools.cached_property
    def multiple(self) -> set[str]:
        return {q.name for q in self.answerable if q.type == "select_multiple"}

    def xpath_values(self, answers: dict, current_question: Question | None = None, current=None):
        """Answers as ODK's expressions see them: an integer or decimal question's answer a
        number, every other answer text; with ``current``, the value of ``.`` typed likewise."""
        numeric = {q.name for q in self.answerable if q.type in NUMERIC}
        values = {k: _as_number(v) if k in numeric else v for k, v in answers.items()}
        if current_question is not None and current_question.type in NUMERIC:
            current = _as_number(current)
        return values, current

    def choice_codes(self, question: Question) -> list[str]:
        return self._codes.get(question.list_name, [])

    @functools.cached_property
    def _codes(self) -> dict[str, list[str]]:
        return {name: [code for code, _l in items] for name, items in self.choices.items()}

    def choice_label(self, question: Question, code: str, language: str) -> str:
        for choice, labels in self.choices.get(question.list_name, []):
            if choice == code:
                return labels.get(language) or labels.get("en") or code
        return code


def _columns(header) -> dict[str, tuple[str, str]]:
    """Column index → (base column, language code or '')."""
    columns = {}
    for index, cell in enumerate(header):
        text = str(cell or "").strip()
        if not text:
            continue
        base, _sep, lang = text.partition("::")
        match = LANGUAGE.search(lang)
        columns[index] = (base.strip().lower(), match.group(1) if match else lang.strip()[:2])
    return columns


def _rows(sheet):
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return {}, []
    return _columns(header), [(number, row) for number, row in enumerate(rows, start=2)]


def _texts(columns, row, base) -> dict[str, str]:
    return {
        lang or "en": str(row[i]).strip()
        for i, (b, lang) in columns.items()
        if b == base and i < len(row) and row[i] not in (None, "")
    }


def _value(columns, row, base) -> str:
    for i, (b, _lang) in columns.items():
        if b == base and i < len(row) and row[i] not in (None, ""):
            return str(row[i]).strip()
    return ""


def read(data: bytes) -> Definition:
    """Parse and check an XLSForm; raises XLSFormError listing every problem by row."""
    try:
        check_workbook("XLSForm", data)
    except SpreadsheetError as error:
        raise XLSFormError([str(error)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise XLSFormError([f"not a readable XLSX file ({error.__class__.__name__})"]) from None
    missing = [s for s in ("survey", "settings") if s not in book.sheetnames]
    if missing:
        raise XLSFormError([f"missing sheet: {name}" for name in missing])
    problems: list[str] = []
    choices: dict[str, list] = {}
    if "choices" in book.sheetnames:
        columns, rows = _rows(book["choices"])
        for number, row in rows:
            list_name, code = _value(columns, row, "list_name"), _value(columns, row, "name")
            if not list_name and not code:
                continue
            if not NAME.match(code or "-"):
                problems.append(f"choices row {number}: the name {code!r} is not a valid code")
                continue
            if any(c == code for c, _l in choices.get(list_name, [])):
                problems.append(f"choices row {number}: {code!r} twice in list {list_name!r}")
            choices.setdefault(list_name, []).append((code, _texts(columns, row, "label")))
    settings_columns, settings_rows = _rows(book["settings"])
    first = settings_rows[0][1] if settings_rows else ()
    form_id = _value(settings_columns, first, "form_id")
    version = _value(settings_columns, first, "version")
    title = _value(settings_columns, first, "form_title") or form_id
    if not form_id or not version:
        problems.append("settings: form_id and version are required")

    questions, groups, stack, names = [], {}, [], set()
    columns, rows = _rows(book["survey"])
    for base, _lang in columns.values():
        if base not in KNOWN_COLUMNS:
            problems.append(f"survey: the column {base!r} is not supported")
    for number, row in rows:
        kind, name = _value(columns, row, "type"), _value(columns, row, "name")
        if not kind:
            continue
        words = kind.split()
        if words[0] == "begin_group" or kind == "begin group":
            stack.append(name)
            groups[name] = _texts(columns, row, "label")
            continue
        if words[0] == "end_group" or kind == "end group":
            if not stack:
                problems.append(f"survey row {number}: end_group without begin_group")
            else:
                stack.pop()
            continue
        if words[0] not in QUESTION_TYPES | SELECTS:
            problems.append(f"survey row {number}: the type {kind!r} is not supported")
            continue
        if not NAME.match(name or "-"):
            problems.append(f"survey row {number}: the name {name!r} is not a valid code")
            continue
        if name in names:
            problems.append(f"survey row {number}: the name {name!r} is used twice")
        names.add(name)
        question = Question(
            name=name,
            type=words[0],
            labels=_texts(columns, row, "label"),
            hints=_texts(columns, row, "hint"),
            required=_value(columns, row, "required").lower() in ("yes", "true", "1"),
            constraint_messages=_texts(columns, row, "constraint_message"),
            group=stack[-1] if stack else "",
            row=number,
            appearance=_value(columns, row, "appearance"),
        )
        if question.is_choice:
            question.list_name = words[1] if len(words) > 1 else ""
            if question.list_name not in choices:
                problems.append(f"survey row {number}: no choice list {question.list_name!r}")
        for column in ("relevant", "constraint"):
            text = _value(columns, row, column)
            if text:
                try:
                    setattr(question, column, Expression(text))
                except ExpressionError as error:
                    problems.append(f"survey row {number}, {column}: {error}")
        questions.append(question)
    if stack:
        problems.append(f"survey: group {stack[-1]!r} is never closed")
    known = {q.name for q in questions}
    for question in questions:
        for column in ("relevant", "constraint"):
            expression = getattr(question, column)
            for ref in sorted(expression.refs - known if expression else ()):
                problems.append(f"survey row {question.row}, {column}: unknown question {ref!r}")
    if problems:
        raise XLSFormError(problems)
    return Definition(form_id, version, title, questions, choices, groups)


def _as_number(value):
    """An answered number as a number; an empty or unreadable one stays text, as in ODK."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value if value is not None else ""
