"""Legal deadlines for the one collector of due items (casework.due)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.casework.due import OPEN_STATES, DueItem
from parcours.legal.models import Procedure

NOTIFIED_WITHIN = datetime.timedelta(days=60)  # older notifications have had their day
PASSED_WITHIN = datetime.timedelta(days=30)  # a deadline passed longer ago drops off


def deadline_item(procedure, today, until) -> DueItem | None:
    """A procedure's deadline when it falls due (or passed lately); ``procedure.family`` is
    its family, read with it."""
    if procedure.deadline_rule is None or procedure.notified_on is None:
        return None
    if procedure.notified_on < today - NOTIFIED_WITHIN:
        return None
    deadline = procedure.deadline
    if not (deadline and today - PASSED_WITHIN <= deadline <= until):
        return None
    return DueItem(
        "deadline",
        _("deadline: %(rule)s") % {"rule": procedure.deadline_rule.label},
        deadline,
        procedure.family,
        reverse("legal:dossier", args=[procedure.family_id]),
        f"deadline-{procedure.pk}-{deadline.isoformat()}",
    )


def notified_procedures(families, today):
    """The procedures of open files whose deadline may still matter, with their rule."""
    return (
        Procedure.objects.filter(
            family__in=families,
            family__status__in=OPEN_STATES,
            deadline_rule__isnull=False,
            notified_on__isnull=False,
            notified_on__gte=today - NOTIFIED_WITHIN,
        )
        .select_related("deadline_rule", "family__project")
        .prefetch_related("deadline_rule__overrides")
    )


def deadlines(families, today, until):
    for procedure in notified_procedures(families, today):
        item = deadline_item(procedure, today, until)
        if item:
            yield item
