"""The family's history as one chronology.

Recorded events are merged with the dates the file already holds — births, arrivals, procedure
filings, notifications and decisions, documents issued and expiring — so nothing is typed twice
and a procedure's dates are always on the timeline.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parcours.legal.choices import EventKind, Precision
from parcours.legal.models import Document, Procedure, TimelineEvent

FAMILY_LANE = "family"


@dataclass
class Entry:
    on: datetime.date
    precision: str
    kind: str
    label: str
    persons: list = field(default_factory=list)  # Person objects; empty = the whole family
    description: str = ""
    source: str = "event"  # event, procedure, document, person
    until: datetime.date | None = None  # an entry with a duration (procedure, detention)

    @property
    def lanes(self) -> list[str]:
        return [str(p.pk) for p in self.persons] or [FAMILY_LANE]


def _kind_label(kind: str) -> str:
    return str(EventKind(kind).label) if kind in EventKind.values else kind


def _person_entries(members) -> list[Entry]:
    entries = []
    for person in members:
        if person.birth_date:
            exact = person.birth_date.exact
            entries.append(
                Entry(
                    exact or datetime.date(person.birth_date.year, 7, 1),
                    Precision.DAY if exact else Precision.YEAR,
                    EventKind.BIRTH,
                    _kind_label("birth"),
                    [person],
                    source="person",
                )
            )
        if person.arrival_date:
            entries.append(
                Entry(
                    person.arrival_date,
                    Precision.DAY,
                    EventKind.ARRIVAL,
                    _kind_label("arrival"),
                    [person],
                    source="person",
                )
            )
    return entries


def _procedure_entries(procedures, members_by_id, today) -> list[Entry]:
    entries = []
    for procedure in procedures:
        persons = [members_by_id[procedure.person_id]] if procedure.person_id else []
        name = procedure.get_type_display()
        if procedure.filed_on:
            ends = procedure.decided_on or (
                today if procedure.status in ("filed", "pending", "admissible") else None
            )
            entries.append(
                Entry(
                    procedure.filed_on,
                    Precision.DAY,
                    EventKind.APPLICATION,
                    _("%(procedure)s filed") % {"procedure": name},
                    persons,
                    source="procedure",
                    until=ends,
                )
            )
        if procedure.decided_on:
            entries.append(
                Entry(
                    procedure.decided_on,
                    Precision.DAY,
                    EventKind.DECISION,
                    _("%(procedure)s: %(status)s")
                    % {"procedure": name, "status": procedure.get_status_display()},
                    persons,
                    source="procedure",
                )
            )
        if procedure.notified_on and procedure.notified_on != procedure.decided_on:
            kind = (
                EventKind.ORDER_TO_LEAVE
                if procedure.type == "order_to_leave"
                else EventKind.DECISION
            )
            entries.append(
                Entry(
                    procedure.notified_on,
                    Precision.DAY,
                    kind,
                    _("%(procedure)s notified") % {"procedure": name},
                    persons,
                    source="procedure",
                )
            )
    return entries


def _document_entries(documents, members_by_id) -> list[Entry]:
    entries = []
    for document in documents:
        persons = [members_by_id[document.person_id]] if document.person_id else []
        if document.issued_on:
            entries.append(
                Entry(
                    document.issued_on,
                    Precision.DAY,
                    EventKind.DOCUMENT_ISSUED,
                    _("%(document)s issued") % {"document": document.kind},
                    persons,
                    source="document",
                )
            )
        if document.valid_until:
            entries.append(
                Entry(
                    document.valid_until,
                    Precision.DAY,
                    EventKind.DOCUMENT_EXPIRED,
                    _("%(document)s expires") % {"document": document.kind},
                    persons,
                    source="document",
                )
            )
    return entries


def _detention_spans(entries: list[Entry]) -> None:
    """Give each detention or return-house stay the end that follows it, drawn as a period.

    The seed: a return house is a form of detention, not an alternative to it."""
    open_starts: dict[tuple, Entry] = {}
    for entry in entries:
        key = tuple(entry.lanes)
        if entry.kind in (EventKind.DETENTION_START, EventKind.RETURN_HOUSE):
            open_starts[key] = entry
        elif entry.kind in (EventKind.DETENTION_END, EventKind.RELEASE) and key in open_starts:
            open_starts.pop(key).until = entry.on


def entries(family, today: datetime.date, *, person_id=None, kinds=None) -> list[Entry]:
    """Every entry of the family's history, oldest first, optionally for one person or kinds."""
    members = list(family.members.all())
    by_id = {p.pk: p for p in members}
    events = (
        TimelineEvent.objects.filter(family=family)
        .prefetch_related("persons")
        .order_by("on", "created_at")
    )
    result = [
        Entry(e.on, e.precision, e.kind, _kind_label(e.kind), list(e.persons.all()), e.description)
        for e in events
    ]
    result += _person_entries(members)
    result += _procedure_entries(Procedure.objects.filter(family=family), by_id, today)
    result += _document_entries(
        Document.objects.filter(family=family).select_related("kind"), by_id
    )
    result.sort(key=lambda e: (e.on, e.source != "person"))
    _detention_spans(result)
    if person_id:
        result = [e for e in result if not e.persons or any(p.pk == person_id for p in e.persons)]
    if kinds:
        result = [e for e in result if e.kind in kinds]
    return result
