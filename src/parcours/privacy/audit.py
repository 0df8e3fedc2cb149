"""Writing the audit trail. Every read and write of a family's file goes through ``record``."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings

from parcours.privacy.models import AuditAction, AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; services take one so pages, API and commands log alike."""

    user: object
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls(user=request.user, ip_address=client_ip(request))


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the forwarded address when the direct peer is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.PARCOURS_TRUSTED_PROXIES:
        candidate = forwarded.split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return remote
    return remote


def record(actor: Actor, action: AuditAction, obj, *, family_id=None) -> AuditEvent:
    """Append one row: the object's type and id, never its field values."""
    if family_id is None:
        family_id = getattr(obj, "family_id", None)
        if family_id is None and obj._meta.label == "cases.Family":
            family_id = obj.pk
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        family_id=family_id,
        ip_address=actor.ip_address,
    )


def record_many(actor: Actor, action: AuditAction, objects) -> None:
    """One row per object in one insert (imports), the same rows ``record`` would write."""
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            family_id=getattr(obj, "family_id", None),
            ip_address=actor.ip_address,
        )
        for obj in objects
    )


def record_security(actor: Actor, action: AuditAction, user=None) -> AuditEvent:
    """Sign-in events: not about a family, kept for the same review."""
    return AuditEvent.objects.create(
        user=user,
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        ip_address=actor.ip_address,
    )
