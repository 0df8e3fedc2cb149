"""The baseline scores over time, drawn so that improvement always reads upward.

Items where a higher score is worse (INSTRUMENTS.md: dropout risk, vulnerability, detention
risk) are turned over (10 - score) and marked, so every line climbs when things get better.
"""

import textwrap

WORSE_WHEN_HIGHER = {"b01_dropout_risk", "b09_vulnerability", "b14_detention_risk"}
WIDTH, ROW, LEFT, RIGHT = 640, 42, 300, 20
LABEL = 40  # characters of a label line at 13 px: two lines hold the shipped forms' questions


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL, placeholder=" …")]
    return lines


def baseline_chart(definition, sheets, language: str) -> dict | None:
    """``sheets``: [(date, {code: value})], oldest first."""
    if not sheets:
        return None
    items = [q for q in definition.answerable if q.type == "integer"]
    step = (WIDTH - LEFT - RIGHT) / max(1, len(sheets) - 1)
    rows = []
    for i, q in enumerate(items):
        top = 20 + i * ROW
        points = []
        for j, (_day, answers) in enumerate(sheets):
            raw = answers.get(q.name)
            if raw in (None, ""):
                continue
            score = int(raw)
            better = 10 - score if q.name in WORSE_WHEN_HIGHER else score
            points.append(
                {
                    "x": round(LEFT + j * step, 1),
                    "y": round(top + ROW - 6 - better * 2.4, 1),
                    "score": score,
                }
            )
        lines = _lines(q.label(language))
        rows.append(
            {
                "label": q.label(language),
                "lines": [{"text": t, "y": top + 13 + n * 14} for n, t in enumerate(lines)],
                "reversed": q.name in WORSE_WHEN_HIGHER,
                "top": top,
                "note_y": top + 13 + len(lines) * 14,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return {
        # The same scores as numbers, for a phone, a screen reader and paper.
        "table": {
            "days": [day for day, _a in sheets],
            "rows": [
                {
                    "label": q.label(language),
                    "reversed": q.name in WORSE_WHEN_HIGHER,
                    "scores": [answers.get(q.name) or "—" for _day, answers in sheets],
                }
                for q in items
            ],
        },
        "width": WIDTH,
        "height": 30 + len(items) * ROW,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "rows": rows,
        "columns": [
            {"x": round(LEFT + j * step, 1), "day": day} for j, (day, _a) in enumerate(sheets)
        ],
    }
