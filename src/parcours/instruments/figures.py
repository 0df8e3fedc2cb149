"""What the instruments contribute to the figures kept ready (parcours.cases.figures): the day
the file's next sheet falls due, by the rule of the sheets that are due (instruments.due)."""

import datetime

from django.db.models import Max, Q

from parcours.instruments.due import sheet_items
from parcours.instruments.models import Response, ResponseStatus


def contribute(families: list, on: datetime.date) -> dict:
    admitted = {f.pk: f for f in families if f.admitted_on is not None}
    submitted = Q(status=ResponseStatus.SUBMITTED)
    last = {
        row["family_id"]: row
        for row in Response.objects.filter(family_id__in=list(admitted))
        .order_by()
        .values("family_id")
        .annotate(
            baseline=Max("submitted_at", filter=submitted & Q(instrument="baseline")),
            summary=Max("submitted_at", filter=submitted & Q(instrument="client_summary_sheet")),
        )
    }
    values = {f.pk: {"sheet_due_on": None} for f in families}
    far = datetime.date.max  # every sheet owed, however far ahead it falls
    for pk, family in admitted.items():
        sheets = last.get(pk, {})
        items = sheet_items(family, sheets.get("baseline"), sheets.get("summary"), on, far)
        values[pk]["sheet_due_on"] = min((item.on for item in items), default=None)
    return values
