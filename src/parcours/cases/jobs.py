"""The members' age bands for the day, worked out by the worker every day (PARCOURS_DAILY)."""

from django.utils.translation import gettext as _

from parcours.cases import ages
from parcours.jobs.services import Outcome, background


@background
def reckon_ages(job, progress) -> Outcome:
    step = _("Working out the members' age bands for today")
    progress(step)
    count = ages.reckon(lambda done, total: progress(step, done, total))
    return Outcome(lines=[_("%(n)s member(s) given today's age band.") % {"n": count}])
