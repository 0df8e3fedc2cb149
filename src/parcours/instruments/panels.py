"""What the family page shows of the instruments: sheets, buttons, the baseline chart."""

import datetime

from django.db.models import prefetch_related_objects
from django.utils.translation import get_language

from parcours.cases.choices import FamilyStatus
from parcours.casework.due import HORIZON_DAYS
from parcours.instruments.answers import from_rows
from parcours.instruments.charts import baseline_chart
from parcours.instruments.due import sheet_items
from parcours.instruments.models import InstrumentCode, ResponseStatus


def instruments_panel(family, today) -> dict:
    """The family's sheets, the baseline chart, and the sheets due (``due``, for the page's
    list of what is due, by the rule of the sheets' collector)."""
    sheets = list(
        family.responses.exclude(status=ResponseStatus.SUPERSEDED).select_related(
            "version", "supersedes"
        )
    )
    baselines = sorted(
        (r for r in sheets if r.instrument == "baseline" and r.status == ResponseStatus.SUBMITTED),
        key=lambda r: r.submitted_at,
    )
    chart = None
    if baselines:
        # The answers of the charted sheets only: a family's other sheets hold as many more.
        prefetch_related_objects(baselines, "answers")
        # The questions of the newest sheet's version: those the family's scores answer (and
        # no lookup of the version the project uses now).
        chart = baseline_chart(
            baselines[-1].version.definition,
            [(r.submitted_at, from_rows(r.version.definition, r.answers.all())) for r in baselines],
            (get_language() or "en")[:2],
        )
    submitted = [r for r in sheets if r.status == ResponseStatus.SUBMITTED]
    last = {
        code: max((r.submitted_at for r in submitted if r.instrument == code), default=None)
        for code in ("baseline", "client_summary_sheet")
    }
    until = today + datetime.timedelta(days=HORIZON_DAYS)
    return {
        "due": list(
            sheet_items(family, last["baseline"], last["client_summary_sheet"], today, until)
        ),
        "sheets": sheets,
        "baseline_chart": chart,
        "instrument_codes": InstrumentCode.choices,
        "may_fill": family.status
        in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED),
    }
