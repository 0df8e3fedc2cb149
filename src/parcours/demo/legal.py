"""A legal history for the demo families, like the seed's family 3: eighteen years in the country,
tourist visas that expired, a regularisation refused after eleven years of waiting, a new
application under way, support letters that grow old."""

import datetime

from parcours.legal import services
from parcours.legal.models import DeadlineRule, Document, DocumentKind, Procedure, TimelineEvent
from parcours.privacy.audit import Actor


def _years_before(day: datetime.date, years: int, month: int = 3) -> datetime.date:
    return datetime.date(day.year - years, month, min(day.day, 28))


def build(family, actor, lawyer, start: datetime.date, end: datetime.date, rng) -> None:
    members = list(family.members.all())
    parents = [p for p in members if p.role == "parent"] or members[:1]
    arrived = family.arrived_on or _years_before(start, 5)
    kinds = {k.code: k for k in DocumentKind.objects.all()}

    def event(on, kind, persons=(), description=""):
        services.save_event(
            actor,
            TimelineEvent(
                family=family,
                on=on,
                kind=kind,
                description=description,
                precision="day" if rng.random() < 0.7 else "month",
            ),
            list(persons),
        )

    event(arrived - datetime.timedelta(days=2), "visa_issued", parents, "Schengen tourist visa")
    event(arrived + datetime.timedelta(days=90), "visa_expired", parents)
    if rng.random() < 0.5:
        event(arrived + datetime.timedelta(days=400), "order_to_leave", parents)
    old = services.save_procedure(
        actor,
        Procedure(
            family=family,
            type="9bis",
            authority="immigration_office",
            status="refused",
            filed_on=arrived + datetime.timedelta(days=700),
            decided_on=min(arrived + datetime.timedelta(days=700 + 365 * 3), start),
            notified_on=min(arrived + datetime.timedelta(days=720 + 365 * 3), start),
            reference=f"DVZ-{rng.randint(1000000, 9999999)}",
        ),
    )
    services.save_procedure(
        actor,
        Procedure(
            family=family,
            type="appeal",
            authority="appeal_court",
            status="refused",
            filed_on=old.notified_on + datetime.timedelta(days=20),
            decided_on=min(old.notified_on + datetime.timedelta(days=900), start),
        ),
    )
    if rng.random() < 0.3:
        event(arrived + datetime.timedelta(days=1500), "detention_start", parents[:1])
        event(arrived + datetime.timedelta(days=1530), "release", parents[:1])
    services.save_procedure(
        actor,
        Procedure(
            family=family,
            type="9bis",
            authority="immigration_office",
            status="pending",
            filed_on=min(start + datetime.timedelta(days=90), end),
            lawyer=lawyer,
        ),
    )
    if rng.random() < 0.4:
        _order_to_leave(actor, family, end - datetime.timedelta(days=rng.randint(2, 20)))
    for parent in parents:
        services.save_document(
            actor,
            Document(
                family=family,
                person=parent,
                kind=kinds["passport"],
                issued_on=_years_before(end, 8),
                expires_on=_years_before(end, -2),
            ),
        )
    services.save_document(
        actor,
        Document(
            family=family,
            kind=kinds["support_letter"],
            description="Letter from the school",
            issued_on=end - datetime.timedelta(days=rng.randint(60, 250)),
        ),
    )


def deadlines_ahead(families, as_of: datetime.date, days=(1, 5, 13)) -> None:
    """Orders to leave whose 30 days end ``days`` ahead, one per active family given, so that
    the demo's reminders show every urgency (parcours remind)."""
    for family, ahead in zip(families, days, strict=False):
        notified = as_of + datetime.timedelta(days=ahead - 30)
        _order_to_leave(Actor(family.case_managers.first()), family, notified)


def _order_to_leave(actor, family, notified: datetime.date) -> None:
    """An order to leave notified that day: 30 days to act (the Belgian rule)."""
    services.save_procedure(
        actor,
        Procedure(
            family=family,
            type="order_to_leave",
            authority="immigration_office",
            status="filed",
            decided_on=notified,
            notified_on=notified,
            deadline_rule=DeadlineRule.objects.get(country="BE", code="order_to_leave_30"),
        ),
    )
