"""What a template needs to draw a sheet: each question with its label, value and state."""

import re

from django.utils import translation

from parcours.cases.choices import nationality_choices
from parcours.instruments.answers import relevant_names
from parcours.instruments.xlsform import Definition
from parcours.textlimits import ANSWER, Limit

# An integer held between 0 and 10 is drawn as eleven buttons; a hint "0 = … · 10 = …" names
# what its ends mean (the XLSForm keeps its integer type, so ODK Collect shows a number field).
SCALE = re.compile(r"^\s*\.\s*>=\s*0\s+and\s+\.\s*<=\s*10\s*$")
ENDS = re.compile(r"^\s*0\s*=\s*(?P<low>.+?)\s*·\s*10\s*=\s*(?P<high>.+?)\s*$")


def _scale(question, hint: str) -> dict:
    if question.type != "integer" or not (
        question.constraint and SCALE.match(question.constraint.text)
    ):
        return {"scale": None, "ends": None}
    ends = ENDS.match(hint)
    return {"scale": range(11), "ends": (ends["low"], ends["high"]) if ends else None}


def _countries(question, value: str, language: str):
    """A text question with the appearance ``country`` stores an ISO code (or stateless,
    unknown), chosen from the countries named in the sheet's language."""
    if question.type != "text" or question.appearance != "country":
        return None
    with translation.override(language):
        return [
            {"code": code, "label": str(name), "checked": code == value}
            for code, name in nationality_choices()
        ]


def questions(definition: Definition, answers, errors, language: str) -> list[dict]:
    relevant = relevant_names(definition, answers)
    rows, group = [], None
    for q in definition.shown:
        value = answers.get(q.name, [] if q.type == "select_multiple" else "")
        chosen = set(value if isinstance(value, list) else [value])
        heading = None
        if q.group != group:
            group = q.group
            heading = q.text_in(definition.groups.get(group, {}), language) if group else None
        hint = q.text_in(q.hints, language)
        rows.append(
            {
                "name": q.name,
                "type": q.type,
                "label": q.label(language),
                "hint": hint,
                **_scale(q, hint),
                "countries": _countries(q, value, language),
                "multiline": q.appearance == "multiline",
                "limit": Limit(ANSWER) if q.type == "text" else None,
                "required": q.required,
                "hidden": q.name not in relevant,
                "error": errors.get(q.name, ""),
                "value": value if not isinstance(value, list) else "",
                "heading": heading,
                "choices": [
                    {
                        "code": code,
                        "label": labels.get(language) or labels.get("en") or code,
                        "checked": code in chosen,
                    }
                    for code, labels in definition.choices.get(q.list_name, [])
                ],
            }
        )
    return rows


def answer_labels(definition: Definition, answers, language: str) -> list[dict]:
    """A submitted sheet, question by question, with choice labels instead of codes."""
    rows = []
    for q in definition.answerable:
        value = answers.get(q.name)
        if value in (None, "", []):
            continue
        countries = _countries(q, value, language)
        if q.is_choice:
            codes = value if isinstance(value, list) else [value]
            shown = ", ".join(definition.choice_label(q, c, language) for c in codes)
        elif countries:
            shown = next((c["label"] for c in countries if c["checked"]), value)
        else:
            shown = value
        rows.append({"name": q.name, "label": q.label(language), "value": shown})
    return rows
