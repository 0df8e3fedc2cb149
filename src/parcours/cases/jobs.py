"""What the worker brings to the day every day (PARCOURS_DAILY): the members' age bands, and
the figures kept ready that depend on the date, and the tallies folded."""

from django.utils.translation import gettext as _

from parcours.cases import ages, figures, tallies
from parcours.jobs.services import Outcome, background


@background
def reckon_ages(job, progress) -> Outcome:
    step = _("Working out the members' age bands for today")
    progress(step)
    count, moved = ages.reckon(lambda done, total: progress(step, done, total))
    figures.ages_to_the_day(moved)
    return Outcome(lines=[_("%(n)s member(s) given today's age band.") % {"n": count}])


@background
def figures_to_the_day(job, progress) -> Outcome:
    progress(_("Bringing the figures kept for counting to today"))
    count = figures.bring_to_the_day()
    tallies.fold()  # the day's changes to the dashboard's tallies, one row per value
    return Outcome(lines=[_("%(n)s file(s) counted again for today.") % {"n": count}])
