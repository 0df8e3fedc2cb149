"""What the family page shows of the instruments: sheets, buttons, and the Baseline chart as
a folded section."""

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
    """The family's sheets and the sheets due (``due``, for the page's list of what is due, by
    the rule of the sheets' collector); the Baseline scores are a folded section."""
    # The sheets alone: joined, each row carried its version's XLSForm file (10 to 15 kB)
    # and the sheet it corrects, which few have.
    sheets = list(family.responses.exclude(status=ResponseStatus.SUPERSEDED))
    prefetch_related_objects([r for r in sheets if r.supersedes_id], "supersedes")
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
        "charted": last["baseline"] is not None,
        "instrument_codes": InstrumentCode.choices,
        "may_fill": family.status
        in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED),
    }


def scores_section(family, user) -> dict:
    """The Baseline scores over time, a folded section of the family page: a chart drawn
    with the questions of the newest sheet's version (those the family's scores answer, and
    no lookup of the version the project uses now), and its numbers as a table."""
    baselines = list(
        family.responses.filter(instrument="baseline", status=ResponseStatus.SUBMITTED)
        .select_related("version")
        .prefetch_related("answers")
        .order_by("submitted_at")
    )
    if not baselines:
        return {"baseline_chart": None}
    return {
        "baseline_chart": baseline_chart(
            baselines[-1].version.definition,
            [(r.submitted_at, from_rows(r.version.definition, r.answers.all())) for r in baselines],
            (get_language() or "en")[:2],
        )
    }
