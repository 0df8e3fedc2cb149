"""What a template needs to draw a sheet: each question with its label, value and state."""

from parcours.instruments.answers import relevant_names
from parcours.instruments.xlsform import Definition


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
        rows.append(
            {
                "name": q.name,
                "type": q.type,
                "label": q.label(language),
                "hint": q.text_in(q.hints, language),
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
        if q.is_choice:
            codes = value if isinstance(value, list) else [value]
            shown = ", ".join(definition.choice_label(q, c, language) for c in codes)
        else:
            shown = value
        rows.append({"name": q.name, "label": q.label(language), "value": shown})
    return rows
