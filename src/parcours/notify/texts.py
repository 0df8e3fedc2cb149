"""A notification in words, written when it is read, in the reader's language: it keeps only
codes, dates, counts and a case number, so the words can follow whoever reads them."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from parcours.notify.models import Kind

# What a background job was, by its kind (parcours.jobs): the title it was given is in the
# language of whoever asked at the time.
JOB_KINDS = {
    "instruments.import": gettext_lazy("The import of sheets"),
    "reports.report": gettext_lazy("The report file"),
    "reports.sheets": gettext_lazy("The download of sheets"),
    "network.import": gettext_lazy("The import of network files"),
    "network.export": gettext_lazy("The network export"),
}


def day(value: str) -> str:
    """An ISO date from the params, written as the language writes dates."""
    return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")


def labelled(labels: dict) -> str:
    language = (get_language() or "en")[:2]
    return labels.get(language) or labels.get("en") or ""


def describe(kind: str, params: dict, case: str) -> str:
    """One sentence: what happened or is due, naming the file by its case number only."""
    p = params
    if kind == Kind.ASSIGNED:
        return _("%(case)s is now one of your families.") % {"case": case}
    if kind == Kind.HANDED_OVER:
        return _("%(case)s was handed over to another case manager.") % {"case": case}
    if kind == Kind.COVER:
        if p.get("state") == "ended":
            return _("Your cover of %(case)s has ended.") % {"case": case}
        return _("You cover %(case)s from %(start)s to %(end)s.") % {
            "case": case,
            "start": day(p["start"]),
            "end": day(p["end"]),
        }
    if kind == Kind.DEADLINE:
        what, days = labelled(p.get("rule", {})), p["days"]
        values = {"case": case, "what": what, "date": day(p["date"]), "days": days}
        if days < 0:
            return _("%(case)s: the %(what)s deadline was missed on %(date)s.") % values
        if days == 0:
            return _("%(case)s: the %(what)s deadline is today, %(date)s.") % values
        return (
            ngettext(
                "%(case)s: the %(what)s deadline is on %(date)s, in %(days)s day.",
                "%(case)s: the %(what)s deadline is on %(date)s, in %(days)s days.",
                days,
            )
            % values
        )
    if kind in (Kind.REVIEW_OVERDUE, Kind.ACTION_OVERDUE) and p.get("upcoming"):
        values = {"case": case, "date": day(p["date"])}
        if kind == Kind.REVIEW_OVERDUE:
            return _("%(case)s: the review is due on %(date)s.") % values
        return _("%(case)s: an action is due on %(date)s.") % values
    if kind == Kind.REVIEW_OVERDUE:
        return _("%(case)s: the review was due on %(date)s.") % {
            "case": case,
            "date": day(p["date"]),
        }
    if kind == Kind.ACTION_OVERDUE:
        return _("%(case)s: an action was due on %(date)s.") % {
            "case": case,
            "date": day(p["date"]),
        }
    if kind == Kind.QUIET:
        return _("%(case)s: no contact since %(date)s.") % {"case": case, "date": day(p["since"])}
    if kind == Kind.SHEET_CORRECTED:
        return _("%(case)s: a sheet (%(instrument)s) you wrote was corrected by someone else.") % {
            "case": case,
            "instrument": p.get("instrument_name", p.get("instrument", "")),
        }
    if kind == Kind.JOB_ENDED:
        what = JOB_KINDS.get(p.get("job_kind", ""), _("Background work"))
        if p.get("status") == "failed":
            return _("%(what)s failed: open it to see why.") % {"what": what}
        return _("%(what)s is done.") % {"what": what}
    if kind == Kind.ACCESS_ALERT:
        if p.get("pattern") == "busy":
            return _("%(who)s opened more than %(n)s files within one hour.") % {
                "who": p.get("who", "?"),
                "n": p.get("n", "?"),
            }
        return _("%(case)s was opened by %(who)s, who is not its case manager.") % {
            "case": case,
            "who": p.get("who", "?"),
        }
    if kind == Kind.DELIVERY_FAILED:
        if p.get("what") == "email":
            return _("An e-mail could not be sent for %(hours)s hours and was given up.") % {
                "hours": p.get("hours", "?")
            }
        if p.get("what") == "webhook":
            return _(
                "A webhook could not be delivered for %(hours)s hours and is paused: open it "
                "to see its attempts, then resume it."
            ) % {"hours": p.get("hours", "?")}
        return _(
            "A phone signing in as %(who)s was refused %(n)s times within an hour: check its "
            "token, or revoke it."
        ) % {"who": p.get("who", "?"), "n": p.get("n", "?")}
    if kind == Kind.POSSIBLE_DUPLICATE:  # a referral has no case number yet
        return ngettext(
            "A new referral may be a family known before: %(n)s earlier file to check.",
            "A new referral may be a family known before: %(n)s earlier files to check.",
            p.get("n", 1),
        ) % {"n": p.get("n", 1)}
    if kind == Kind.FLAGGED:
        return _("%(case)s is flagged: %(reason)s.") % {
            "case": case,
            "reason": labelled(p.get("reason", {})),
        }
    if kind == Kind.APPROVAL:
        return _approval(p.get("what"), p.get("state"), case)
    return kind


def _approval(what: str, state: str, case: str) -> str:
    values = {"case": case}
    if what == "closure":
        if state == "approved":
            return _("%(case)s: the closure is approved; the file is closed.") % values
        if state == "returned":
            return _("%(case)s: the closure is returned; see the comment.") % values
        return _("%(case)s: closing the file waits for your approval.") % values
    if state == "approved":
        return _("%(case)s: the case plan is approved.") % values
    if state == "returned":
        return _("%(case)s: the case plan is returned; see the comment.") % values
    return _("%(case)s: the case plan waits for your approval.") % values
