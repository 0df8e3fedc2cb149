"""Erasure (GDPR art. 17): the personal values of a family's file, or of one member, destroyed.

Every encrypted column of the file is emptied (the same walk as an access request, so a model
added later is erased too), the sealed files are deleted from disk and the name-search tokens
removed. What stays: the family's pseudonym, its lifecycle dates and coded answers, so that
earlier reports still add up; and, in the audit trail and the erasure record, the fact of the
erasure and its coded reason, never a value.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from parcours.cases import figures
from parcours.cases.models import Family, NameToken, Person, ReckonedAge
from parcours.legal.models import Document
from parcours.privacy import files
from parcours.privacy.audit import Actor, record
from parcours.privacy.fields import EncryptedTextField
from parcours.privacy.models import AuditAction
from parcours.rights.access import _linked_models, _path_to_family
from parcours.rights.models import Erasure


class ErasureError(ValueError):
    pass


@dataclass
class Plan:
    """What an erasure will destroy, shown before it is confirmed."""

    values: int
    files: int
    members: int


def _encrypted(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _rows(family: Family, person: Person | None):
    """(model, queryset of its rows to empty) over the file, or the member's own rows."""
    if person is not None:
        yield Person, Person.objects.filter(pk=person.pk)
        yield Document, Document.objects.filter(family=family, person=person)
        return
    for model in _linked_models():
        path = _path_to_family(model)
        if path and _encrypted(model):
            yield model, model._base_manager.filter(**{path: family.pk})


def _documents(family: Family, person: Person | None):
    documents = Document.objects.filter(family=family).exclude(file_key="")
    return documents.filter(person=person) if person is not None else documents


def plan(family: Family, person: Person | None = None) -> Plan:
    values = 0
    for model, rows in _rows(family, person):
        for name in _encrypted(model):
            values += rows.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).count()
    members = 1 if person is not None else family.members.count()
    return Plan(values=values, files=_documents(family, person).count(), members=members)


@transaction.atomic
def erase(actor: Actor, family: Family, reason: str, person: Person | None = None) -> Plan:
    """Destroy the personal values; returns what went. A whole family only once its file is
    closed, declined or withdrawn; a member at any time."""
    if person is None and family.status in ("referred", "screening", "active", "paused"):
        raise ErasureError("close the file first")
    done = plan(family, person)
    keys = list(_documents(family, person).values_list("file_key", flat=True))
    for model, rows in _rows(family, person):
        emptied = {}
        for name in _encrypted(model):
            emptied[name] = None if model._meta.get_field(name).null else ""
        rows.update(**emptied)
    _documents(family, person).update(file_key="", file_name="", file_size=0)
    people = [person.pk] if person is not None else family.members.values_list("pk", flat=True)
    NameToken.objects.filter(person_id__in=list(people)).delete()
    ReckonedAge.objects.filter(person_id__in=list(people)).delete()
    figures.refresh([family.pk], part="cases")  # the ages and arrivals went with the values
    transaction.on_commit(lambda: [files.delete(key) for key in keys])
    erasure = Erasure.objects.create(
        family_id=family.pk,
        person_id=person.pk if person is not None else None,
        reason=reason,
        by=actor.user,
    )
    if person is None:
        Family.objects.filter(pk=family.pk).update(erased_at=timezone.now())
    record(actor, AuditAction.ERASE, erasure, family_id=family.pk)
    return done
