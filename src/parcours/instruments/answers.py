"""Checking answers against an instrument's definition, and turning them into rows and back."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from parcours.instruments.xlsform import Definition, Question
from parcours.textlimits import ANSWER

Answers = dict[str, str | list[str]]


def _typed(question: Question, definition: Definition, value) -> tuple[object, str | None]:
    """The answer in its stored form, or an error message."""
    if question.type == "select_multiple":
        codes = value if isinstance(value, list) else str(value or "").split()
        unknown = [c for c in codes if c not in definition.choice_codes(question)]
        return codes, (
            _("Not a choice of this question: %(v)s") % {"v": ", ".join(unknown)}
            if unknown
            else None
        )
    value = str(value if value is not None else "").strip()
    if value == "":
        return "", None
    if question.type == "integer":
        try:
            return str(int(value)), None
        except ValueError:
            return value, _("Enter a whole number.")
    if question.type == "decimal":
        try:
            return str(Decimal(value)), None
        except InvalidOperation:
            return value, _("Enter a number.")
    if question.type == "date":
        try:
            return datetime.date.fromisoformat(value).isoformat(), None
        except ValueError:
            return value, _("Enter a date as YYYY-MM-DD.")
    if question.type == "select_one" and value not in definition.choice_codes(question):
        return value, _("Not a choice of this question: %(v)s") % {"v": value}
    if question.type == "text" and len(value) > ANSWER:
        return value[:40], _("At most %(limit)s characters (this answer has %(length)s).") % {
            "limit": number_format(ANSWER, force_grouping=True),
            "length": number_format(len(value), force_grouping=True),
        }
    return value, None


def check(definition: Definition, raw: Answers, language: str, *, complete: bool):
    """(answers, errors): typed answers of the relevant questions, and errors by question.

    With ``complete`` (submitting), required questions that apply must be answered.
    """
    answers: Answers = {}
    errors: dict[str, str] = {}
    for question in definition.answerable:
        value, error = _typed(question, definition, raw.get(question.name))
        if error:
            errors[question.name] = error
        elif value not in ("", []):
            answers[question.name] = value
    # Relevance and constraints see the answers kept so far, as ODK's expressions see them
    # (typed once; an answer dropped is dropped from them too).
    values, _current = definition.xpath_values(answers)
    for question in definition.answerable:
        if question.relevant and not question.relevant(values):
            answers.pop(question.name, None)
            values.pop(question.name, None)
            errors.pop(question.name, None)
            continue
        value = answers.get(question.name)
        if value in (None, "", []):
            if complete and question.required:
                errors[question.name] = _("This question needs an answer.")
            continue
        if question.constraint and not question.constraint(values, values[question.name]):
            answers.pop(question.name)
            values.pop(question.name)
            errors[question.name] = question.text_in(question.constraint_messages, language) or _(
                "This answer is outside what the question allows."
            )
    return answers, errors


def relevant_names(definition: Definition, answers: Answers) -> set[str]:
    values, _current = definition.xpath_values(answers)
    return {q.name for q in definition.questions if not q.relevant or q.relevant(values)}


def to_rows(definition: Definition, answers: Answers) -> list[dict]:
    rows = []
    for question in definition.answerable:
        value = answers.get(question.name)
        if value in (None, "", []):
            continue
        if question.type == "text":
            rows.append({"code": question.name, "value": "", "text": value})
        else:
            stored = " ".join(value) if isinstance(value, list) else value
            rows.append({"code": question.name, "value": stored, "text": ""})
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
