"""Legal deadlines for the one collector of due items (casework.due)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.casework.due import OPEN_STATES, DueItem
from parcours.legal.models import Procedure


def deadlines(families, today, until):
    procedures = (
        Procedure.objects.filter(
            family__in=families,
            family__status__in=OPEN_STATES,
            deadline_rule__isnull=False,
            notified_on__isnull=False,
            notified_on__gte=today - datetime.timedelta(days=60),
        )
        .select_related("deadline_rule", "family")
        .prefetch_related("deadline_rule__overrides")
    )
    for procedure in procedures:
        deadline = procedure.deadline
        if deadline and today - datetime.timedelta(days=30) <= deadline <= until:
            yield DueItem(
                "deadline",
                _("deadline: %(rule)s") % {"rule": procedure.deadline_rule.label},
                deadline,
                procedure.family,
                reverse("legal:dossier", args=[procedure.family_id]),
                f"deadline-{procedure.pk}-{deadline.isoformat()}",
            )
