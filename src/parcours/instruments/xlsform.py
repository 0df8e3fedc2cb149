"""An XLSForm as Parcours renders it: pyxform (ODK's own converter) reads the workbook, and a
check on top keeps to what the web form shows.

pyxform judges the form as ODK Collect and KoboToolbox would (its messages name the row); then
the web form's limits: the types ``integer``, ``decimal``, ``text``, ``date``, ``note``,
``select_one LIST``, ``select_multiple LIST`` in groups; ``required``, ``relevant``,
``constraint`` with their messages, ``hint`` and ``appearance``; expressions as in
``expressions.py``; names unique across the form (answers are stored under them). Anything else
is refused with its sheet and row, so an instrument never half-works. Metadata (start, end,
deviceid…) is left to the phones.
"""

import functools
import io
import re
from dataclasses import dataclass, field

from parcours.instruments.expressions import Expression, ExpressionError
from parcours.spreadsheets import SpreadsheetError, check_workbook

# The case number: part of each XLSForm so that ODK and KoboToolbox exports carry it, filled
# in by Parcours itself and never stored as an answer.
CASE_FIELD = "case"
# pyxform's names of the select types, and ours (the XLSForm's).
PYXFORM_SELECTS = {"select one": "select_one", "select all that apply": "select_multiple"}
SELECTS = set(PYXFORM_SELECTS.values())
QUESTION_TYPES = {"integer", "decimal", "text", "date", "note", *SELECTS}
NUMERIC = {"integer", "decimal"}
# Filled in by a phone, not asked: ignored by the web form.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "email",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "start-geopoint",
}
QUESTION_KEYS = {"type", "name", "label", "hint", "bind", "control", "parameters"}
SELECT_KEYS = {"itemset", "list_name", "choices"}
BIND_KEYS = {"required", "relevant", "constraint", "jr:constraintMsg", "jr:requiredMsg"}
LANGUAGE = re.compile(r"\((\w{2,3})\)\s*$")
NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_PYXFORM_LINK = re.compile(r"\s*Learn more: \S+")


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
    def answerable_by_name(self) -> dict[str, Question]:
        return {q.name: q for q in self.answerable}

    @functools.cached_property
    def shown(self) -> list[Question]:
        return [q for q in self.questions if q.name != CASE_FIELD]

    @functools.cached_property
    def multiple(self) -> set[str]:
        return {q.name for q in self.answerable if q.type == "select_multiple"}

    @functools.cached_property
    def numeric(self) -> frozenset[str]:
        return frozenset(q.name for q in self.answerable if q.type in NUMERIC)

    def xpath_values(self, answers: dict, current_question: Question | None = None, current=None):
        """Answers as ODK's expressions see them: an integer or decimal question's answer a
        number, every other answer text; with ``current``, the value of ``.`` typed likewise."""
        numeric = self.numeric
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


def pyxform_message(error: Exception) -> str:
    """pyxform's message, without its web link ("[row : 3] On the 'survey' sheet, …")."""
    return _PYXFORM_LINK.sub("", str(error)).strip()


def _texts(value) -> dict[str, str]:
    """pyxform's label, hint or message: one text, or one per language column
    ("Nederlands (nl)" → "nl"; a column without a language is English)."""
    if not value:
        return {}
    if isinstance(value, str):
        return {"en": value.strip()}
    texts = {}
    for column, text in value.items():
        match = LANGUAGE.search(column)
        code = match.group(1) if match else ("en" if column == "default" else column[:2])
        if text:
            texts[code] = str(text).strip()
    return texts


def _from_file(element: dict) -> bool:
    """select_one_from_file and the like: choices the web form does not have."""
    return element.get("itemset", element.get("list_name")) != element.get("list_name")


def read(data: bytes) -> Definition:
    """Parse and check an XLSForm; raises XLSFormError listing every problem by row."""
    # pyxform is loaded here, by what reads a form: it took 0.25 s of every command's start.
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    try:
        check_workbook("XLSForm", data)
    except SpreadsheetError as error:
        raise XLSFormError([str(error)]) from None
    try:
        workbook = get_xlsform(io.BytesIO(data), file_type=".xlsx")
        survey = workbook_to_json(workbook, form_name="data", warnings=[])
    except PyXFormError as error:
        raise XLSFormError([pyxform_message(error)]) from None
    except Exception as error:  # pyxform reads any workbook; anything else is not an XLSForm
        raise XLSFormError([f"pyxform cannot read it ({error.__class__.__name__})"]) from None
    return _Reader(workbook).definition(survey)


class _Reader:
    """Walks pyxform's survey, checking what the web form can render."""

    def __init__(self, workbook):
        self.rows: dict[str, int] = {}  # first row of each name (pyxform keeps blank rows)
        self.problems: list[str] = []
        seen: set[str] = set()
        for number, row in enumerate(workbook.survey, start=2):
            name = str(row.get("name") or "")
            if not name or str(row.get("type", "")).startswith("end"):
                continue
            if name in seen:  # pyxform allows it in other groups; answers are keyed by name
                self.problems.append(f"survey row {number}: the name {name!r} is used twice")
            seen.add(name)
            self.rows.setdefault(name, number)
        self.types = {
            str(row.get("name")): str(row.get("type", "")).strip() for row in workbook.survey
        }
        settings = workbook.settings[0] if workbook.settings else {}
        if not settings.get("form_id") or not settings.get("version"):
            self.problems.append("settings: form_id and version are required")
        self.choice_rows = {
            (str(row.get("list_name")), str(row.get("name"))): number
            for number, row in enumerate(workbook.choices or [], start=2)
        }
        self.questions: list[Question] = []
        self.groups: dict[str, dict[str, str]] = {}

    def definition(self, survey: dict) -> Definition:
        choices = {
            list_name: [(str(c["name"]), _texts(c.get("label"))) for c in items]
            for list_name, items in (survey.get("choices") or {}).items()
        }
        for (list_name, code), number in self.choice_rows.items():
            if list_name in choices and not NAME.match(code or "-"):
                self.problems.append(f"choices row {number}: the name {code!r} is not a valid code")
        self._walk(survey.get("children", []), "")
        if self.problems:
            raise XLSFormError(self.problems)
        return Definition(
            str(survey.get("id_string", "")),
            str(survey.get("version", "")),
            str(survey.get("title") or survey.get("id_string", "")),
            self.questions,
            choices,
            self.groups,
        )

    def _walk(self, children: list[dict], group: str) -> None:
        for element in children:
            kind, name = element.get("type", ""), element.get("name", "")
            row = self.rows.get(name, 0)
            if kind == "group":
                if (element.get("control") or {}).get("bodyless"):
                    continue  # meta/instanceID, which pyxform adds for phones
                self.groups[name] = _texts(element.get("label"))
                self._walk(element.get("children", []), name)
            elif kind in METADATA_TYPES:
                continue
            elif PYXFORM_SELECTS.get(kind, kind) not in QUESTION_TYPES or _from_file(element):
                self.problems.append(
                    f"survey row {row}: the type {self.types.get(name, kind)!r} is not supported"
                )
            else:
                self._question(element, PYXFORM_SELECTS.get(kind, kind), group, row)

    def _question(self, element: dict, kind: str, group: str, row: int) -> None:
        name = element["name"]
        allowed = QUESTION_KEYS | (SELECT_KEYS if kind in SELECTS else set())
        unsupported = sorted(set(element) - allowed)
        unsupported += sorted(set(element.get("bind") or {}) - BIND_KEYS)
        if element.get("parameters"):
            unsupported.append("parameters")
        for key in unsupported:
            self.problems.append(f"survey row {row}: {key!r} is not supported by the web form")
        if not NAME.match(name):
            self.problems.append(f"survey row {row}: the name {name!r} is not a valid code")
        bind = element.get("bind") or {}
        question = Question(
            name=name,
            type=kind,
            labels=_texts(element.get("label")),
            hints=_texts(element.get("hint")),
            list_name=str(element.get("list_name", "")),
            required=str(bind.get("required", "")).lower() in ("true()", "yes", "true", "1"),
            constraint_messages=_texts(bind.get("jr:constraintMsg")),
            group=group,
            row=row,
            appearance=str((element.get("control") or {}).get("appearance", "")),
        )
        for column in ("relevant", "constraint"):
            text = bind.get(column)
            if text:
                try:
                    setattr(question, column, Expression(str(text)))
                except ExpressionError as error:
                    self.problems.append(f"survey row {row}, {column}: {error}")
        self.questions.append(question)


def _as_number(value):
    """An answered number as a number; an empty or unreadable one stays text, as in ODK."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value if value is not None else ""
