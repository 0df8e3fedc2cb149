"""What the family page shows of the legal dossier."""

import datetime

from parcours.cases.panels import with_members
from parcours.casework.due import HORIZON_DAYS, OPEN_STATES
from parcours.legal.due import deadline_item
from parcours.legal.models import Document

OPEN = ("preparing", "filed", "pending", "admissible")


def legal_panel(family, today) -> dict:
    """The open procedures and expiring documents, and the deadlines due (``due``, for the
    page's list of what is due, by the rule of the deadlines' collector)."""
    procedures = list(
        family.procedures.select_related("deadline_rule", "lawyer").prefetch_related(
            "deadline_rule__overrides"
        )
    )
    documents = list(Document.objects.filter(family=family).select_related("kind"))
    with_members(family, [*procedures, *documents])
    for procedure in procedures:
        deadline = procedure.deadline
        procedure.days_left = (deadline - today).days if deadline else None
    expiring = [d for d in documents if d.valid_until and (d.valid_until - today).days <= 60]
    until = today + datetime.timedelta(days=HORIZON_DAYS)
    due = (
        [deadline_item(p, today, until) for p in procedures] if family.status in OPEN_STATES else []
    )
    return {
        "procedures": [p for p in procedures if p.status in OPEN or p.days_left is not None],
        "expiring_documents": expiring,
        "due": [item for item in due if item],
    }
