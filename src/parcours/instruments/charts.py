"""The baseline scores over time, drawn so that improvement always reads upward.

Items where a higher score is worse (INSTRUMENTS.md: dropout risk, vulnerability, detention
risk) are turned over (10 - score) and marked, so every line climbs when things get better.
"""

import textwrap

WORSE_WHEN_HIGHER = {"b01_dropout_risk", "b09_vulnerability", "b14_detention_risk"}
WIDTH, ROW, LEFT, RIGHT = 640, 42, 300, 20
LABEL = 46  # characters of a label line: two lines hold every question of the shipped forms


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
                "lines": [{"text": t, "y": top + 12 + n * 12} for n, t in enumerate(lines)],
                "reversed": q.name in WORSE_WHEN_HIGHER,
                "top": top,
                "note_y": top + 12 + len(lines) * 12,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return {
        "width": WIDTH,
        "height": 30 + len(items) * ROW,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "rows": rows,
        "columns": [
            {"x": round(LEFT + j * step, 1), "day": day} for j, (day, _a) in enumerate(sheets)
        ],
    }
