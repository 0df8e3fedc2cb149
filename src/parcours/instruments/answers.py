"""Checking answers against an instrument's definition, and turning them into rows and back."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from parcours.instruments.xlsform import Definition
from parcours.textlimits import ANSWER

Answers = dict[str, str | list[str]]


def _several(codes: list[str], known: dict) -> tuple[object, str | None]:
    unknown = [c for c in codes if c not in known]
    if unknown:
        return codes, _("Not a choice of this question: %(v)s") % {"v": ", ".join(unknown)}
    return [known[c] for c in codes], None


def _integer(value: str, _known) -> tuple[object, str | None]:
    try:
        return str(int(value)), None
    except ValueError:
        return value, _("Enter a whole number.")


def _decimal(value: str, _known) -> tuple[object, str | None]:
    try:
        return str(Decimal(value)), None
    except InvalidOperation:
        return value, _("Enter a number.")


def _date(value: str, _known) -> tuple[object, str | None]:
    try:
        return datetime.date.fromisoformat(value).isoformat(), None
    except ValueError:
        return value, _("Enter a date as YYYY-MM-DD.")


def _one(value: str, known: dict) -> tuple[object, str | None]:
    code = known.get(value)
    if code is None:
        return value, _("Not a choice of this question: %(v)s") % {"v": value}
    return code, None


def _text(value: str, _known) -> tuple[object, str | None]:
    if len(value) > ANSWER:
        return value[:40], _("At most %(limit)s characters (this answer has %(length)s).") % {
            "limit": number_format(ANSWER, force_grouping=True),
            "length": number_format(len(value), force_grouping=True),
        }
    return value, None


_TYPES = {"integer": _integer, "decimal": _decimal, "date": _date, "select_one": _one}


class _Plan:
    """How a definition's answers are checked, worked out once per definition rather than
    once per answer: an import of 100 000 sheets checks 3 million (a fifth of its time went
    to finding, per answer, its question's type and choices)."""

    def __init__(self, definition: Definition):
        # Each question's choices, each code mapped to itself: an answer keeps the definition's
        # string, one for every sheet that gives it (an import holds 100 000 sheets' answers).
        self.codes = {
            q.name: {code: code for code in definition.choice_codes(q)}
            for q in definition.answerable
        }
        # (name, type check or None for several choices, the choices)
        self.typing = [
            (q.name, _TYPES.get(q.type, _text) if q.type != "select_multiple" else None)
            for q in definition.answerable
        ]
        # Only these questions can drop an answer or add an error after typing, in the form's
        # order: a relevance test sees the answers dropped before it.
        self.rules = [q for q in definition.answerable if q.relevant or q.constraint or q.required]
        self.stored = [(q.name, q.type) for q in definition.answerable]


def _plan(definition: Definition) -> _Plan:
    """The definition's plan, kept on the definition itself: it lives as long as the
    instrument version that holds it, and an xlsform.Definition knows nothing of checking."""
    plan = definition.__dict__.get("_answer_plan")
    if plan is None:
        plan = definition.__dict__["_answer_plan"] = _Plan(definition)
    return plan


def check(definition: Definition, raw: Answers, language: str, *, complete: bool):
    """(answers, errors): typed answers of the relevant questions, and errors by question.

    With ``complete`` (submitting), required questions that apply must be answered.
    """
    plan = _plan(definition)
    answers: Answers = {}
    errors: dict[str, str] = {}
    for name, typed in plan.typing:
        value = raw.get(name)
        if value is None or value == "" or value == []:
            continue
        if typed is None:  # several choices
            codes = value if isinstance(value, list) else str(value or "").split()
            value, error = _several(codes, plan.codes[name])
        else:
            value = value.strip() if type(value) is str else str(value).strip()
            if value == "":
                continue
            value, error = typed(value, plan.codes[name])
        if error:
            errors[name] = error
        elif value != []:
            answers[name] = value
    # Relevance and constraints see the answers kept so far, as ODK's expressions see them
    # (typed once; an answer dropped is dropped from them too).
    values, _current = definition.xpath_values(answers)
    for question in plan.rules:
        name = question.name
        if question.relevant and not question.relevant(values):
            answers.pop(name, None)
            values.pop(name, None)
            errors.pop(name, None)
            continue
        if name not in answers:
            if complete and question.required:
                errors[name] = _("This question needs an answer.")
            continue
        if question.constraint and not question.constraint(values, values[name]):
            answers.pop(name)
            values.pop(name)
            errors[name] = question.text_in(question.constraint_messages, language) or _(
                "This answer is outside what the question allows."
            )
    return answers, errors


def relevant_names(definition: Definition, answers: Answers) -> set[str]:
    values, _current = definition.xpath_values(answers)
    return {q.name for q in definition.questions if not q.relevant or q.relevant(values)}


def to_rows(definition: Definition, answers: Answers) -> list[dict]:
    rows = []
    for name, kind in _plan(definition).stored:
        value = answers.get(name)
        if value is None or value == "" or value == []:
            continue
        if kind == "text":
            rows.append({"code": name, "value": "", "text": value})
        else:
            stored = " ".join(value) if isinstance(value, list) else value
            rows.append({"code": name, "value": stored, "text": ""})
    return rows


def from_rows(definition: Definition, rows) -> Answers:
    types = {q.name: q.type for q in definition.answerable}
    answers: Answers = {}
    for row in rows:
        kind = types.get(row.code)
        if kind == "text":
            answers[row.code] = row.text
        elif kind == "select_multiple":
            answers[row.code] = row.value.split()
        elif kind:
            answers[row.code] = row.value
    return answers
