"""The worker's daily runs of the reminders and the digests (PARCOURS_DAILY)."""

from django.utils.translation import gettext as _

from parcours.jobs.services import Outcome, background
from parcours.notify.services import prune
from parcours.reminders.remind import digests, remind


@background
def remind_today(job, progress) -> Outcome:
    prune()  # notifications past PARCOURS_NOTIFICATION_KEEP_DAYS
    told = remind()
    count = sum(len(v) for v in told.notifications.values())
    return Outcome(
        lines=[_("%(n)s notification(s), %(m)s e-mail(s) queued.") % {"n": count, "m": told.mails}]
    )


@background
def send_digests(job, progress) -> Outcome:
    queued = digests()
    return Outcome(lines=[_("%(n)s digest(s) queued.") % {"n": len(queued)}])
