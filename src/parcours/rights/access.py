"""Access requests (GDPR art. 15): everything Parcours holds about a family, or one member.

The file is gathered by walking every model that hangs from the family by foreign keys, so a
model added later is part of the answer without anyone remembering to add it; each value is
read through the model (encrypted fields decrypted), and each file of the dossier is decrypted.
The access log of the file (from the audit trail) comes last.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.cases.history import PAGE_LABELS
from parcours.cases.models import Family, NameToken, Person
from parcours.legal.models import Document
from parcours.pdf import pdf_bytes
from parcours.privacy import files
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction, AuditEvent

# Hashes and counters, not information about the person.
SKIPPED_MODELS = {NameToken}
SKIPPED_FIELDS = {"id", "version", "file_key", "fingerprint", "chain"}


@dataclass
class Section:
    title: str
    label: str  # app.Model
    rows: list[dict] = field(default_factory=list)


def _linked_models() -> list[type[models.Model]]:
    """Every model that reaches Family through foreign keys, nearest first."""
    order, linked = [Family], {Family}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in linked or model in SKIPPED_MODELS:
                continue
            if any(
                isinstance(f, models.ForeignKey) and f.related_model in linked
                for f in model._meta.concrete_fields
            ):
                linked.add(model)
                order.append(model)
                grew = True
    return order


def _path_to_family(model) -> str:
    """The lookup from ``model`` to its family (``family``, ``response__family``…)."""
    if model is Family:
        return "pk"
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is Family:
            return f.name
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is not model:
            inner = _path_to_family(f.related_model) if f.related_model in _linked_models() else ""
            if inner:
                return f.name if inner == "pk" else f"{f.name}__{inner}"
    return ""


def _concerns(model, person) -> models.Q | None:
    """For one member's request: the rows that name them (a FK or M2M to the person)."""
    if model is Person:
        return models.Q(pk=person.pk)
    names = [
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if getattr(f, "related_model", None) is Person
    ]
    if not names:
        return None
    query = models.Q()
    for name in names:
        query |= models.Q(**{name: person})
    return query


def _value(obj, f):
    if f.many_to_many:
        return ", ".join(str(o) for o in getattr(obj, f.name).all())
    value = getattr(obj, f.name)
    if f.choices and value not in (None, ""):
        value = getattr(obj, f"get_{f.name}_display")()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def collect(family: Family, person: Person | None = None) -> list[Section]:
    """Every row of the file (or those about ``person``), field by field, in the active
    language."""
    sections = []
    for model in _linked_models():
        path = _path_to_family(model)
        if not path:
            continue
        rows = model._base_manager.filter(**{path: family.pk})
        if person is not None:
            concerns = _concerns(model, person)
            if concerns is None and model is not Family:
                continue
            if model is not Family:
                rows = rows.filter(concerns).distinct()
        shown = [
            f
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if f.name not in SKIPPED_FIELDS and not (f.is_relation and f.related_model is Family)
        ]
        section = Section(str(model._meta.verbose_name_plural).capitalize(), model._meta.label)
        for obj in rows.order_by("pk"):
            section.rows.append({str(f.verbose_name): _value(obj, f) for f in shown})
        if section.rows:
            sections.append(section)
    return sections


def access_log(family: Family) -> list[dict]:
    """Who opened or changed the file, when, on which page (never what they read)."""
    return [
        {
            _("when"): e.at.isoformat(),
            _("who"): str(e.user) if e.user else _("the system or an operator"),
            _("action"): e.get_action_display(),
            _("page"): str(PAGE_LABELS.get(e.page, e.page)),
        }
        for e in AuditEvent.objects.filter(family_id=family.pk)
        .select_related("user")
        .order_by("at", "id")
    ]


def export(actor: Actor, family: Family, person: Person | None, language: str) -> bytes:
    """A ZIP: the PDF for the person to read, the JSON for machines, and the dossier's files.
    Audited as an export of the file."""
    with translation.override(language):
        sections = collect(family, person)
        log = access_log(family)
        made = timezone.now()
        data = {
            "case": family.case_number,
            "person": person.full_name if person else None,
            "made_at": made.isoformat(),
            "sections": {s.title: s.rows for s in sections},
            "access_log": log,
        }
        html = render_to_string(
            "rights/access_document.html",
            {"family": family, "person": person, "sections": sections, "log": log, "made": made},
        )
        pdf = pdf_bytes(html, "report-document.css")
    documents = Document.objects.filter(family=family).exclude(file_key="")
    if person is not None:
        documents = documents.filter(person=person)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.pdf", pdf)
        archive.writestr("subject-access.json", json.dumps(data, ensure_ascii=False, indent=1))
        for number, document in enumerate(documents, start=1):
            name = document.file_name or f"document-{number}"
            archive.writestr(f"files/{number:03d}-{name}", files.load(document.file_key))
    record(actor, AuditAction.EXPORT, person or family, family_id=family.pk)
    return out.getvalue()
