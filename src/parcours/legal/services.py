"""Every change to the legal dossier: one function each, atomic, audit-logged."""

from django.db import transaction
from django.utils import timezone

from parcours.cases import figures
from parcours.legal.models import (
    DeadlineOverride,
    DeadlineRule,
    Document,
    LawyerAssignment,
    Procedure,
    TimelineEvent,
)
from parcours.privacy import files
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction


def _record(actor, obj, created):
    record(actor, AuditAction.CREATE if created else AuditAction.UPDATE, obj)


@transaction.atomic
def save_procedure(actor: Actor, procedure: Procedure) -> Procedure:
    """Save; a new lawyer closes the previous assignment and opens one from today."""
    created = procedure._state.adding
    previous = None if created else Procedure.objects.get(pk=procedure.pk).lawyer_id
    procedure.save()
    if procedure.lawyer_id != previous:
        today = timezone.localdate()
        procedure.lawyers.filter(until__isnull=True).update(until=today)
        if procedure.lawyer_id:
            LawyerAssignment.objects.create(
                procedure=procedure,
                lawyer_id=procedure.lawyer_id,
                from_date=procedure.filed_on if created and procedure.filed_on else today,
            )
        if not created:
            event = TimelineEvent.objects.create(
                family_id=procedure.family_id,
                on=today,
                kind="lawyer_change",
                procedure=procedure,
                created_by=actor.user,
                description=str(procedure.get_type_display()),
            )
            if procedure.person_id:
                event.persons.add(procedure.person_id)
    _record(actor, procedure, created)
    figures.refresh([procedure.family_id], part="legal")
    return procedure


@transaction.atomic
def save_event(actor: Actor, event: TimelineEvent, persons) -> TimelineEvent:
    created = event._state.adding
    if created:
        event.created_by = actor.user
    event.save()
    event.persons.set(persons)
    _record(actor, event, created)
    return event


@transaction.atomic
def save_document(actor: Actor, document: Document, upload=None) -> Document:
    """Save; an upload (already checked by the form) is sealed and replaces any earlier file."""
    created = document._state.adding
    old_key = document.file_key
    if upload is not None:
        document.file_key = files.store(upload.read())
        document.file_name = upload.name[-200:]
        document.file_type = upload.checked_type
        document.file_size = upload.size
    document.save()
    if upload is not None and old_key:
        transaction.on_commit(lambda: files.delete(old_key))
    _record(actor, document, created)
    return document


def read_document_file(actor: Actor, document: Document) -> bytes:
    """The decrypted file; reading it is logged like reading the file."""
    record(actor, AuditAction.VIEW, document)
    return files.load(document.file_key)


@transaction.atomic
def import_events(actor: Actor, family, rows: list[dict]) -> int:
    """Create the already-validated rows of a history import, all or none."""
    for row in rows:
        save_event(
            actor,
            TimelineEvent(
                family=family,
                on=row["on"],
                precision=row["precision"],
                kind=row["kind"],
                description=row["description"],
            ),
            row["persons"],
        )
    return len(rows)


@transaction.atomic
def save_deadline(actor: Actor, deadline: DeadlineRule | DeadlineOverride):
    """A shared country rule (administrators only: the views check) or a project's own
    limit for one; audited either way."""
    created = deadline._state.adding
    deadline.save()
    _record(actor, deadline, created)
    _refresh_deadlines_of(deadline)
    return deadline


@transaction.atomic
def remove_deadline_override(actor: Actor, override: DeadlineOverride) -> None:
    """The project follows the country's rule again."""
    record(actor, AuditAction.DELETE, override)
    override.delete()
    _refresh_deadlines_of(override)


def _refresh_deadlines_of(deadline: DeadlineRule | DeadlineOverride) -> None:
    """A changed limit moves the deadline of every procedure under it: their files' figures
    are counted again (a project's override: that project's files only)."""
    rule_id = deadline.pk if isinstance(deadline, DeadlineRule) else deadline.rule_id
    procedures = Procedure.objects.filter(deadline_rule_id=rule_id)
    if isinstance(deadline, DeadlineOverride):
        procedures = procedures.filter(family__project_id=deadline.project_id)
    figures.refresh(procedures.values_list("family_id", flat=True).distinct(), part="legal")
