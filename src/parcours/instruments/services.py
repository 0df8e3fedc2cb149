"""Every change to responses: one function each, atomic, audit-logged."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases import figures
from parcours.instruments.answers import check, from_rows, to_rows
from parcours.instruments.models import Answer, InstrumentVersion, Response, ResponseStatus
from parcours.instruments.prefill import PREFILL
from parcours.instruments.transfer import tell_submitted
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction


class ResponseError(Exception):
    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


def answers_of(response: Response):
    return from_rows(response.version.definition, response.answers.all())


def _store(response: Response, answers) -> None:
    response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(response=response, **row) for row in to_rows(response.version.definition, answers)
    )


def unsaved(actor: Actor, family, code: str) -> Response:
    """A sheet of the instrument's active version, not saved: nothing is kept until someone
    saves an answer in it."""
    version = InstrumentVersion.objects.active(code, family.project)
    return Response(family=family, version=version, instrument=code, author=actor.user)


def prefilled(response: Response) -> dict:
    """What the case already holds for a new sheet (the Client Summary Sheet's profile)."""
    prefill = PREFILL.get(response.instrument)
    if not prefill:
        return {}
    answers, _errors = check(
        response.version.definition, prefill(response.family), "en", complete=False
    )
    return answers


@transaction.atomic
def start(actor: Actor, family, code: str) -> Response:
    """A draft of the instrument's active version, with what the case already holds."""
    response = unsaved(actor, family, code)
    response.save()
    _store(response, prefilled(response))
    record(actor, AuditAction.CREATE, response, family_id=family.pk)
    return response


def _editable(response: Response) -> None:
    if response.status != ResponseStatus.DRAFT:
        raise ResponseError(_("A submitted sheet cannot change; correct it instead."))


@transaction.atomic
def save_draft(actor: Actor, response: Response, raw, language: str) -> dict:
    """Keep every well-formed answer; return the errors to show (nothing is required yet)."""
    _editable(response)
    answers, errors = check(response.version.definition, raw, language, complete=False)
    _store(response, answers)
    response.save(update_fields=["updated_at"])
    record(actor, AuditAction.UPDATE, response, family_id=response.family_id)
    return errors


@transaction.atomic
def submit(actor: Actor, response: Response, raw, language: str) -> Response:
    """Check everything; submitted, the sheet is final. A corrected one is superseded."""
    _editable(response)
    answers, errors = check(response.version.definition, raw, language, complete=True)
    if errors:
        raise ResponseError(_("Some answers need attention."), errors)
    _store(response, answers)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.save(update_fields=["status", "submitted_at", "updated_at"])
    if response.supersedes_id:
        Response.objects.filter(pk=response.supersedes_id).update(status=ResponseStatus.SUPERSEDED)
        corrected = response.supersedes
        notify(
            Kind.SHEET_CORRECTED,
            [corrected.author],
            family=response.family,
            params={
                "instrument": response.instrument,
                "instrument_name": response.get_instrument_display(),
            },
            link=reverse("instruments:response", args=[response.family_id, response.pk]),
            not_to=actor.user,
        )
    record(actor, AuditAction.TRANSITION, response, family_id=response.family_id)
    figures.refresh([response.family_id], part="instruments")
    tell_submitted([response])
    return response


@transaction.atomic
def correct(actor: Actor, response: Response, reason: str) -> Response:
    """A new draft with the same answers and version, to replace a submitted sheet."""
    if response.status != ResponseStatus.SUBMITTED:
        raise ResponseError(_("Only a submitted sheet is corrected."))
    if hasattr(response, "correction"):
        raise ResponseError(_("This sheet is being corrected already."))
    if not reason.strip():
        raise ResponseError(_("Give the reason for the correction."), {"reason": _("Required.")})
    draft = Response.objects.create(
        family_id=response.family_id,
        version=response.version,
        instrument=response.instrument,
        author=actor.user,
        supersedes=response,
        correction_reason=reason.strip(),
    )
    _store(draft, answers_of(response))
    record(actor, AuditAction.CREATE, draft, family_id=response.family_id)
    return draft
