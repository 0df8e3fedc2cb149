"""Five outputs from one computed report: JSON (the contract), CSV, XLSX, HTML and PDF.

For outputs marked for outside the organisation, counts below the small-cell threshold show as
"<k" and free text is left out.
"""

import json
import textwrap

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from parcours import bands
from parcours.pdf import pdf_bytes
from parcours.reports.cohort import CLUSTERS, SCALES, display_percent
from parcours.spreadsheets import TableWriter


def masked(report: dict, k: int) -> dict:
    """A copy for outside readers: small counts as "<k", no free text."""

    def mask(value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and 0 < value < k:
            return f"<{k}"
        if isinstance(value, dict):
            return {key: mask(v) for key, v in value.items()}
        return value

    copy = {
        key: (mask(value) if key not in ("questions", "clusters") else value)
        for key, value in report.items()
        if key != "barriers"
    }
    copy["questions"] = {
        code: {**table, "counts": mask(table["counts"])}
        for code, table in report["questions"].items()
    }
    return copy


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=True, default=str)


def table_rows(report: dict):
    """The question tables as (section, question, choice, count, percent) rows."""
    for cluster, codes in CLUSTERS.items():
        for code in codes:
            table = report["questions"].get(code)
            if not table:
                continue
            for choice in [*SCALES[table["scale"]], "no_answer"]:
                yield (
                    cluster,
                    code,
                    choice,
                    table["counts"][choice],
                    table["percent"][choice],
                )
            if "positive_percent" in table:
                yield (cluster, code, "positive", "", table["positive_percent"])


SECTIONS = (
    "selection",
    "funnel",
    "profile",
    "engagement",
    "outcomes",
    "baseline_change",
    "coverage",
    "by_project",
)


def _flat(prefix: str, value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else str(key), inner)
    elif isinstance(value, list):
        yield prefix, ", ".join(str(v) for v in value)
    else:
        yield prefix, value


def to_csv(report: dict) -> str:
    writer = TableWriter("csv")
    writer.sheet("data", data_rows(report))
    return writer.to_bytes().decode()


def data_rows(report: dict):
    """The codes for analysts: every question's counts, then every section's figures."""
    yield ["section", "question", "choice", "count", "percent"]
    yield from table_rows(report)
    for section in SECTIONS:
        for key, value in _flat("", report.get(section, {})):
            yield [section, key, "", value, ""]


def to_xlsx(report: dict, title: str, language: str) -> bytes:
    """The report as the page shows it, a sheet per section, and the codes on "data"."""
    from parcours.reports.workbook import workbook

    with translation.override(language):
        return workbook(to_html(report, title, language), data_rows(report))


def _cluster_title(definition, cluster: str, language: str) -> str:
    heading = definition.groups.get(cluster, {})
    return heading.get(language) or heading.get("en") or cluster


def cluster_title(cluster: str, language: str) -> str:
    """A cluster's heading as the Client Summary Sheet names it."""
    from parcours.instruments.models import InstrumentVersion

    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    return _cluster_title(definition, cluster, language)


def context(report: dict, title: str, language: str) -> dict:
    """What the HTML page and the PDF show: the seed's tables, with display percentages."""
    from parcours.instruments.models import InstrumentVersion

    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    sections = []
    for cluster, codes in CLUSTERS.items():
        impact, quick = [], []
        for code in codes:
            table = report["questions"].get(code)
            if not table:
                continue
            question = definition.question(code)
            choices = [*SCALES[table["scale"]], "no_answer"]
            row = {
                "code": code,
                "label": question.label(language),
                "counts": [table["counts"][c] for c in choices],
                "percent": [
                    display_percent(table["percent"][c])
                    if isinstance(table["percent"][c], float)
                    else table["percent"][c]
                    for c in choices
                ],
                "positive": display_percent(table["positive_percent"])
                if "positive_percent" in table
                else None,
                "bar": _bar(table),
            }
            (impact if table["scale"] == "impact" else quick).append(row)
        sections.append(
            {
                "cluster": cluster,
                "title": _cluster_title(definition, cluster, language),
                "impact": impact,
                "quick": quick,
                "barriers": report.get("barriers", {}).get(cluster),
                "barriers_named": report.get("barriers_named", {}).get(cluster, 0),
            }
        )
    impact_choices = [
        definition.choice_label(definition.question("cm_trust"), c, language)
        for c in SCALES["impact"]
    ]
    ynd_choices = [
        definition.choice_label(definition.question("c3_housing"), c, language)
        for c in SCALES["ynd"]
    ]
    return {
        "report": report,
        "charts": charts(report),
        "baseline_chart": baseline_chart(report.get("baseline_change", {}), language),
        "declined_reasons": declined_reasons(report["funnel"].get("declined_reasons", {})),
        "by_project": by_project(report, definition, language),
        "title": title,
        "sections": sections,
        "impact_choices": [*impact_choices, _("no answer")],
        "ynd_choices": [*ynd_choices, _("no answer")],
    }


COLOURS = {
    "negative": "#b3261e",
    "none": "#9aa3ad",
    "limited": "#d7c37a",
    "some": "#6fa37a",
    "huge": "#2f6f3e",
    "dont_know": "#d5d9de",
    "yes": "#2f6f3e",
    "no": "#b3261e",
    "no_answer": "#eceef1",
}


def _bar(table) -> list[dict]:
    """A stacked bar of one question, as (x, width, colour, label) in a 0-300 box."""
    segments, x = [], 0.0
    for choice in [*SCALES[table["scale"]], "no_answer"]:
        width = 3 * table["percent"][choice] if isinstance(table["percent"][choice], float) else 0
        if width:
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "colour": COLOURS[choice],
                    "choice": choice,
                }
            )
            x += width
    return segments


ROW = 22  # pixels per bar; each further line of a wrapped label adds LINE
LINE = 12


def _stacked(rows: list[dict], width: int) -> int:
    """Wrap each row's label into lines of ``width`` characters (never cut) and lay the rows
    one under the other; returns the picture's height."""
    y = 6
    for row in rows:
        row["lines"] = textwrap.wrap(row["label"], width) or [""]
        row["y"] = y
        y += ROW + LINE * (len(row["lines"]) - 1)
    return y + 6


def _natural(key) -> tuple:
    text = str(key)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def distribution(counts: dict, labels: dict, order=()) -> dict | None:
    """A horizontal bar chart of one distribution (the seed's status and family charts), in
    the order given (bands youngest first, choices as listed), else in natural order."""
    total = sum(v for v in counts.values() if isinstance(v, int))
    if not total:
        return None
    rank = {str(key): i for i, key in enumerate(order or labels)}
    keys = sorted(counts, key=lambda k: (rank.get(str(k), len(rank)), *_natural(k)))
    rows = []
    for key in keys:
        value = counts[key]
        share = 100 * value / total if isinstance(value, int) else 0
        rows.append(
            {
                "label": str(labels.get(key, key) or "—"),
                "value": value,
                "percent": display_percent(share),
                "width": round(2.4 * share, 1),
            }
        )
    return {"rows": rows, "height": _stacked(rows, 24)}


def charts(report: dict) -> list[dict]:
    from parcours.cases.choices import ProcedureStatus, StatusAtEntry

    profile = report.get("profile", {})
    specs = [
        (_("Status at entry"), profile.get("status_at_entry", {}), dict(StatusAtEntry.choices)),
        (
            _("Current procedure status"),
            profile.get("procedure_status", {}),
            dict(ProcedureStatus.choices),
        ),
        (_("Children per family"), profile.get("children_per_family", {}), {}),
        (_("Age"), profile.get("age_bands", {}), {label: label for label, _ in bands.AGE_BANDS}),
        (
            _("Years in the country"),
            profile.get("years_in_country", {}).get("bands", {}),
            {label: _("%(band)s years") % {"band": label} for label, _low in bands.YEARS_BANDS},
        ),
    ]
    return [
        {"title": title, **chart}
        for title, counts, labels in specs
        if (chart := distribution(counts, labels))
    ]


def baseline_chart(change: dict, language: str) -> dict | None:
    """Mean change per baseline item as bars either side of zero, read with each item's
    polarity (right = better), with the numbers as the text alternative."""
    if not change:
        return None
    from parcours.instruments.models import InstrumentVersion

    definition = InstrumentVersion.objects.active("baseline").definition
    known = {q.name for q in definition.answerable}
    centre, scale = 300, 30  # zero line, pixels per point of the 1-5 scale
    rows = []
    for code, item in change.items():
        mean = item["mean_improvement"]
        width = round(abs(mean) * scale, 1) if isinstance(mean, (int, float)) else 0
        rows.append(
            {
                "label": definition.question(code).label(language) if code in known else code,
                "mean": mean,
                "improved": item["improved"],
                "families": item["families"],
                "x": centre if mean >= 0 else round(centre - width, 1),
                "width": width,
                "colour": COLOURS["huge"] if mean >= 0 else COLOURS["negative"],
                "code": code,
            }
        )
    return {"rows": rows, "height": _stacked(rows, 46), "centre": centre}


def declined_reasons(counts: dict) -> list[tuple[str, object]]:
    """(criterion label, how many declined families did not meet it), most frequent first."""
    from parcours.projects.models import EligibilityCriterion

    labels = {}
    for criterion in EligibilityCriterion.objects.filter(code__in=counts):
        labels.setdefault(criterion.code, criterion.label)
    return [(labels.get(code, code), n) for code, n in counts.items()]


def by_project(report: dict, definition, language: str) -> dict | None:
    """Each project's column beside the pooled totals, question by question."""
    parts = report.get("by_project")
    if not parts:
        return None
    columns = list(parts)
    rows = [
        (_("Sheets"), [parts[c]["n_sheets"] for c in columns], report["n_sheets"]),
        (_("Families"), [parts[c]["families"] for c in columns], report["families"]),
        (_("Admitted"), [parts[c]["admitted"] for c in columns], report["funnel"]["admitted"]),
        (_("Closed"), [parts[c]["closed"] for c in columns], report["outcomes"]["closed"]),
    ]
    questions = []
    for codes in CLUSTERS.values():
        for code in codes:
            table = report["questions"].get(code)
            if not table:
                continue
            key, pooled = (
                ("positive_percent", table["positive_percent"])
                if table["scale"] == "impact"
                else ("yes_percent", table["percent"]["yes"])
            )
            questions.append(
                (
                    definition.question(code).label(language),
                    [display_percent(parts[c][key][code]) for c in columns],
                    display_percent(pooled),
                    table["scale"],
                )
            )
    return {"columns": columns, "rows": rows, "questions": questions}


def to_html(report: dict, title: str, language: str) -> str:
    return render_to_string("reports/report_document.html", context(report, title, language))


def to_pdf(report: dict, title: str, language: str) -> bytes:

    html = render_to_string(
        "reports/report_document.html", {**context(report, title, language), "pdf": True}
    )
    return pdf_bytes(html, "report-document.css")


FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
}


def produce(report: dict, fmt: str, title: str, language: str) -> bytes:
    if fmt == "json":
        return to_json(report).encode()
    if fmt == "csv":
        return to_csv(report).encode()
    if fmt == "xlsx":
        return to_xlsx(report, title, language)
    if fmt == "pdf":
        return to_pdf(report, title, language)
    return to_html(report, title, language).encode()
