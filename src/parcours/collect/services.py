"""Phones: tokens made and revoked (audited), and a phone's credentials checked."""

import base64
import datetime
import json
import zlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role, User, coordinators
from parcours.cases.models import Family
from parcours.collect.contacts import CONTACT, receive_contact
from parcours.collect.models import DeviceToken, new_token, token_hash
from parcours.collect.openrosa import SubmissionError, parse
from parcours.instruments.models import InstrumentCode, InstrumentVersion
from parcours.instruments.transfer import SheetRefused, receive_sheet
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction, AuditEvent
from parcours.projects.models import Project
from parcours.sso.services import vouched_for_by_provider

COLLECTING_ROLES = (Role.CASE_MANAGER, Role.COORDINATOR)


class DeviceError(ValueError):
    pass


def may_collect(user, project) -> bool:
    """Case managers and coordinators of the project fill its sheets, from a phone too."""
    return bool(user.is_active and project.pk in user.project_ids(*COLLECTING_ROLES))


@transaction.atomic
def issue(actor: Actor, user, project, name: str) -> tuple[DeviceToken, str]:
    """A new token for ``user``'s phone ``name`` in ``project``: the token itself is returned
    once and kept only hashed."""
    name = (name or "").strip()
    if not name:
        raise DeviceError(_("Give the phone a name, so you can tell it apart later."))
    if not may_collect(user, project):
        raise DeviceError(
            _("%(user)s is neither a case manager nor a coordinator of %(project)s.")
            % {"user": user.username, "project": project.slug}
        )
    if DeviceToken.objects.in_use().filter(user=user, project=project, name=name).exists():
        raise DeviceError(
            _("%(user)s already has a phone named “%(name)s” in %(project)s; revoke it first.")
            % {"user": user.username, "name": name, "project": project.slug}
        )
    token = new_token()
    device = DeviceToken.objects.create(
        user=user,
        project=project,
        name=name,
        token_hash=token_hash(token),
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    record_security(actor, AuditAction.DEVICE_ADDED, user)
    return device, token


@transaction.atomic
def revoke(actor: Actor, device: DeviceToken) -> None:
    """From now on the phone is refused; what it sent stays."""
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        record_security(actor, AuditAction.DEVICE_REVOKED, device.user)


def authenticate(username: str, token: str) -> DeviceToken | None:
    """The phone's token in use for ``username``, if its owner may still collect in its
    project; None otherwise (unknown, revoked, another user's, a role taken away, its owner
    refused by the organisation's provider)."""
    if not username or not token:
        return None
    device = (
        DeviceToken.objects.in_use()
        .select_related("user", "project")
        .filter(token_hash=token_hash(token))
        .filter(vouched_for_by_provider("user"))
        .first()
    )
    if device is None or device.user.username != username:
        return None
    if not may_collect(device.user, device.project):
        return None
    return device


def server_path(project) -> str:
    """The address Collect is given: it adds /formList and /submission itself."""
    return reverse("collect:form_list", args=[project.slug]).removesuffix("/formList")


def collect_settings(server_url: str, device: DeviceToken, token: str) -> str:
    """ODK Collect's settings for this phone, as its QR codes carry them (JSON, zlib, base64):
    the server, the user name and token; forms kept as the server has them, finalised sheets
    sent as soon as there is a connection and then deleted from the phone."""
    payload = {
        "general": {
            "server_url": server_url,
            "username": device.user.username,
            "password": token,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
            "delete_send": True,
        },
        "admin": {"change_server": False},
        "project": {"name": f"Parcours · {device.project.name}", "icon": "P", "color": "#1f6f5c"},
    }
    return base64.b64encode(zlib.compress(json.dumps(payload).encode())).decode()


def _family(device: DeviceToken, submission):
    """The file a submission names, through the visibility gate; unknown and not the person's
    are refused alike (403, never a hint)."""
    family = (
        Family.objects.visible_to(device.user)
        .filter(project=device.project, case_number=submission.case)
        .first()
        if submission.case
        else None
    )
    if family is None:
        raise SubmissionError(
            _("The case number %(case)s is not one of your cases in %(project)s.")
            % {"case": submission.case or "—", "project": device.project.name},
            status=403,
        )
    return family


def receive(actor: Actor, device: DeviceToken, data: bytes, language: str) -> bool:
    """Store a submission from ``device`` as a submitted sheet, through the import's own code
    (visibility, checking, audit, immutability). True when it is new; False when the same
    submission is here already (a resend is not an error). Raises SubmissionError."""
    submission = parse(data)
    if submission.form_id == CONTACT:
        return receive_contact(actor, _family(device, submission), submission)
    if submission.form_id not in InstrumentCode.values:
        raise SubmissionError(_("This form is not one of Parcours' instruments."))
    version = InstrumentVersion.objects.filter(
        instrument=submission.form_id, version=submission.version
    ).first()
    if version is None:
        raise SubmissionError(
            _("Version %(version)s of this form is not known here. Get the blank forms again.")
            % {"version": submission.version or "?"}
        )
    family = _family(device, submission)
    definition = version.definition
    known = {q.name for q in definition.answerable}
    raw = {
        code: value.split() if code in definition.multiple else value
        for code, value in submission.answers.items()
        if code in known
    }
    try:
        _sheet, created = receive_sheet(
            actor,
            family,
            version,
            raw,
            instance_id=submission.instance_id,
            edits=submission.edits,
            language=language,
        )
    except SheetRefused as error:
        raise SubmissionError(str(error), status=error.status) from None
    return created


REFUSALS_TOLD = 5  # refused phone sign-ins from one address within an hour the coordinators hear of


def tell_of_refusals(slug: str, username: str, actor: Actor) -> None:
    """A phone refused again and again (a revoked token still in use, a lost phone in other
    hands, someone guessing) is told to the project's coordinators, once an hour at most."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    refused = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED,
        ip_address=actor.ip_address,
        page__startswith="collect:",
        at__gte=timezone.now() - datetime.timedelta(hours=1),
    ).count()
    project = Project.objects.filter(slug=slug).first()
    if refused < REFUSALS_TOLD or project is None:
        return
    known = User.objects.filter(username=username).values_list("username", flat=True).first()
    told = coordinators(project.pk)
    notify(
        Kind.DELIVERY_FAILED,
        told,
        project=project,
        params={"what": "device", "n": refused, "who": known or "?"},
        link=reverse("collect:devices"),
        key=f"phone-refused:{project.pk}:{actor.ip_address}:{hour.isoformat()}",
    )
