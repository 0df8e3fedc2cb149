"""What the legal dossier contributes to the figures kept ready (parcours.cases.figures): the
next deadline of an open file's procedures, by the rule of the deadlines that are due
(legal.due: a deadline counts while its notification is recent)."""

import datetime

from parcours.legal.due import notified_procedures


def contribute(families: list, on: datetime.date) -> dict:
    next_deadline: dict = {}
    for procedure in notified_procedures([f.pk for f in families], on):
        deadline = procedure.deadline
        if deadline is not None and deadline >= on:
            known = next_deadline.get(procedure.family_id)
            next_deadline[procedure.family_id] = min(filter(None, [known, deadline]))
    return {f.pk: {"next_deadline_on": next_deadline.get(f.pk)} for f in families}
