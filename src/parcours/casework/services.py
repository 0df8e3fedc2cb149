"""Every change to casework: one function each, atomic, audit-logged."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases import figures
from parcours.cases.choices import FamilyStatus
from parcours.casework.choices import ActionStatus, ConsentPurpose
from parcours.casework.models import (
    Action,
    CalendarFeed,
    CasePlan,
    Consent,
    Contact,
    Review,
    ServiceProvider,
    ServiceReferral,
)
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction

# Contacts are kept from the first referral on (screening visits count), not after closure.
CONTACT_STATES = (
    FamilyStatus.REFERRED,
    FamilyStatus.SCREENING,
    FamilyStatus.ACTIVE,
    FamilyStatus.PAUSED,
)
WORK_STATES = (FamilyStatus.ACTIVE, FamilyStatus.PAUSED)


class CaseworkError(Exception):
    """A change the file's state or its consents do not allow; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _require_state(family, states, message):
    if family.status not in states:
        raise CaseworkError(message)


def _save(actor: Actor, obj, fields: list[str] | None = None):
    created = obj._state.adding
    obj.save(update_fields=fields if fields and not created else None)
    record(actor, AuditAction.CREATE if created else AuditAction.UPDATE, obj)
    if isinstance(obj, Action | Contact | Review | Consent):  # what the figures count
        figures.refresh([obj.family_id], part="casework")
    return obj


@transaction.atomic
def log_contact(actor: Actor, contact: Contact, present) -> Contact:
    _require_state(contact.family, CONTACT_STATES, _("Contacts are not logged on this file."))
    if any(p.family_id != contact.family_id for p in present):
        raise CaseworkError(_("Only members of this family can be present."), "present")
    contact.author = actor.user
    _save(actor, contact)
    contact.present.set(present)
    return contact


@transaction.atomic
def save_plan(actor: Actor, plan: CasePlan) -> CasePlan:
    _require_state(plan.family, WORK_STATES, _("Only an admitted family has a plan."))
    return _save(actor, plan)


@transaction.atomic
def save_action(actor: Actor, action: Action) -> Action:
    _require_state(action.family, WORK_STATES, _("Only an admitted family has actions."))
    if action.concerns_id and action.concerns.family_id != action.family_id:
        raise CaseworkError(_("The action can only concern a member of this family."), "concerns")
    if action.status == ActionStatus.OPEN:
        action.completed_on = None
    elif action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action._state.adding:
        action.created_by = actor.user
    return _save(actor, action)


@transaction.atomic
def record_review(actor: Actor, review: Review) -> Review:
    _require_state(review.family, (FamilyStatus.ACTIVE,), _("Only an active case is reviewed."))
    if review.family.admitted_on and review.held_on < review.family.admitted_on:
        raise CaseworkError(_("A review cannot come before the admission."), "held_on")
    review.author = actor.user
    return _save(actor, review)


@transaction.atomic
def record_consent(actor: Actor, consent: Consent) -> Consent:
    needs_provider = consent.purpose == ConsentPurpose.SHARE_WITH_PROVIDER
    if needs_provider != bool(consent.provider_id):
        raise CaseworkError(
            _("Name the lawyer or service for a consent to share, and only then."), "provider"
        )
    consent.recorded_by = actor.user
    return _save(actor, consent)


@transaction.atomic
def withdraw_consent(actor: Actor, consent: Consent, on: datetime.date) -> Consent:
    if consent.withdrawn_on is not None:
        raise CaseworkError(_("This consent was withdrawn already."))
    if on < consent.given_on:
        raise CaseworkError(_("A consent cannot be withdrawn before it was given."), "withdrawn_on")
    consent.withdrawn_on = on
    consent.withdrawal_recorded_by = actor.user
    return _save(actor, consent, ["withdrawn_on", "withdrawal_recorded_by"])


def consent_to_share(family, provider, on: datetime.date) -> Consent | None:
    """The consent in force on ``on`` that lets this family's file go to ``provider``."""
    return (
        family.consents.in_force()
        .filter(purpose=ConsentPurpose.SHARE_WITH_PROVIDER, provider=provider, given_on__lte=on)
        .order_by("-given_on")
        .first()
    )


@transaction.atomic
def refer_to_service(actor: Actor, referral: ServiceReferral) -> ServiceReferral:
    """Refuse unless the family consented to sharing with this lawyer or service."""
    _require_state(referral.family, WORK_STATES, _("Only an admitted family is referred on."))
    consent = consent_to_share(referral.family, referral.provider, referral.referred_on)
    if consent is None:
        raise CaseworkError(
            _("There is no consent in force to share with this lawyer or service."), "provider"
        )
    referral.consent = consent
    referral.created_by = actor.user
    return _save(actor, referral)


@transaction.atomic
def update_service_referral(actor: Actor, referral: ServiceReferral) -> ServiceReferral:
    return _save(actor, referral, ["status", "outcome"])


@transaction.atomic
def save_provider(actor: Actor, provider: ServiceProvider) -> ServiceProvider:
    provider.save()
    return provider


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_calendar_token(user, language: str = "en") -> str:
    """A fresh secret calendar address for ``user``; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": _hash(token), "language": language}
    )
    return token


def revoke_calendar(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_for(token: str) -> CalendarFeed | None:
    feed = CalendarFeed.objects.filter(token_hash=_hash(token)).select_related("user").first()
    return feed if feed and feed.user.is_active else None
