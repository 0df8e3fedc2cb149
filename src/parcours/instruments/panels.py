"""What the family page shows of the instruments: sheets, buttons, the baseline chart."""

from django.utils.translation import get_language

from parcours.cases.choices import FamilyStatus
from parcours.instruments.answers import from_rows
from parcours.instruments.charts import baseline_chart
from parcours.instruments.models import InstrumentCode, InstrumentVersion, ResponseStatus


def instruments_panel(family) -> dict:
    sheets = list(
        family.responses.exclude(status=ResponseStatus.SUPERSEDED)
        .select_related("version")
        .prefetch_related("answers")
    )
    baselines = sorted(
        (r for r in sheets if r.instrument == "baseline" and r.status == ResponseStatus.SUBMITTED),
        key=lambda r: r.submitted_at,
    )
    chart = None
    if baselines:
        definition = InstrumentVersion.objects.active("baseline", family.project).definition
        chart = baseline_chart(
            definition,
            [(r.submitted_at, from_rows(r.version.definition, r.answers.all())) for r in baselines],
            (get_language() or "en")[:2],
        )
    return {
        "sheets": sheets,
        "baseline_chart": chart,
        "instrument_codes": InstrumentCode.choices,
        "may_fill": family.status
        in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED),
    }
