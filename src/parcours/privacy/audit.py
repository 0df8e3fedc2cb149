"""Writing the audit trail. Every read and write of a family's file goes through here.

Rows are chained: each carries an HMAC (PARCOURS_AUDIT_KEY) of its own content and of the row
before it, so a row changed, removed or slipped in breaks every link after it, and
``parcours verify-audit`` names the first break. Appending takes a lock, so two requests never
chain onto the same row.
"""

import datetime
import hmac
import ipaddress
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parcours.database import insert_many, preparer
from parcours.privacy.keys import keyring
from parcours.privacy.models import AuditAction, AuditEvent

GENESIS = "0" * 64
_LOCK_ID = 0x50415243  # "PARC": PostgreSQL advisory lock serialising appends


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; services take one so pages, API and commands log alike."""

    user: object
    ip_address: str | None = None
    page: str = ""

    @classmethod
    def from_request(cls, request) -> "Actor":
        match = getattr(request, "resolver_match", None)
        return cls(
            user=request.user,
            ip_address=client_ip(request),
            page=match.view_name if match else "",
        )


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


class Entry(NamedTuple):
    """A row to append, before its time and chain value (given when appended): a plain
    tuple, as building fifty model instances for a list page cost more than writing them."""

    user_id: int | None
    action: str
    object_type: str
    object_id: str = ""
    family_id: object = None
    ip_address: str | None = None
    page: str = ""


def link(previous: str, event) -> str:
    """The chain value of the stored row ``event`` following a row whose chain value is
    ``previous``."""
    moment = event.at.astimezone(datetime.UTC).isoformat()
    return _chain(keyring().audit_key, previous, moment, event)


def _chain(key: bytes, previous: str, moment: str, event) -> str:
    content = "|".join(
        [
            previous,
            moment,
            str(event.user_id or ""),
            event.action,
            event.object_type,
            event.object_id,
            str(event.family_id or ""),
            event.ip_address or "",
            event.page,
        ]
    )
    return hmac.digest(key, content.encode(), "sha256").hex()


def _append(entries: list[Entry]) -> None:
    """Chain and insert ``entries`` after the last row, under a lock, in one statement."""
    if not entries:
        return
    with transaction.atomic():  # on SQLite, BEGIN IMMEDIATE: writers queue here
        with connection.cursor() as cursor:
            # Read by hand: the ORM's compiling of this one query cost a third of a read's row.
            if connection.vendor == "postgresql":
                # The lock and the read in one round trip (every page pays it). Each statement
                # takes its own snapshot (READ COMMITTED), so the read comes after the lock and
                # sees what its last holder committed.
                cursor.execute(f"SELECT pg_advisory_xact_lock({_LOCK_ID}); {_LAST_CHAIN}")
                cursor.nextset()
            else:
                cursor.execute(_LAST_CHAIN)
            last = cursor.fetchone()
        previous = (last[0] if last else None) or GENESIS
        now = timezone.now()
        # The same moment and key for every row: worked out once, not fifty times.
        at, moment = _AT.get_db_prep_save(now, connection), now.astimezone(datetime.UTC).isoformat()
        key = keyring().audit_key
        # As insert_rows prepares values: a key given as a UUID, an address as text, each
        # without the field's four calls (a tenth of importing 100 000 sheets went to them).
        family, address = preparer(_FAMILY), preparer(_ADDRESS)
        rows = []
        for entry in entries:
            previous = _chain(key, previous, moment, entry)
            rows.append(
                (
                    at,
                    entry.user_id,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    family(entry.family_id),
                    address(entry.ip_address),
                    entry.page,
                    previous,
                )
            )
        insert_many(AuditEvent._meta.db_table, _COLUMNS, rows)


_LAST_CHAIN = (
    f"SELECT chain FROM {connection.ops.quote_name(AuditEvent._meta.db_table)}"  # noqa: S608
    " ORDER BY id DESC LIMIT 1"
)
_AT = AuditEvent._meta.get_field("at")
_FAMILY = AuditEvent._meta.get_field("family_id")
_ADDRESS = AuditEvent._meta.get_field("ip_address")
_COLUMNS = [
    AuditEvent._meta.get_field(name).column
    for name in (
        "at",
        "user",
        "action",
        "object_type",
        "object_id",
        "family_id",
        "ip_address",
        "page",
        "chain",
    )
]


def _user_id(actor: Actor) -> int | None:
    return actor.user.pk if getattr(actor.user, "is_authenticated", False) else None


def _family_id(obj):
    family_id = getattr(obj, "family_id", None)
    if family_id is None and obj._meta.label == "cases.Family":
        family_id = obj.pk
    return family_id


def _event(actor: Actor, action, obj, family_id=None) -> Entry:
    return Entry(
        user_id=_user_id(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        family_id=family_id if family_id is not None else _family_id(obj),
        ip_address=actor.ip_address,
        page=actor.page,
    )


def record(actor: Actor, action: AuditAction, obj, *, family_id=None) -> None:
    """Append one row: the object's type and id, never its field values."""
    _append([_event(actor, action, obj, family_id)])


def record_many(actor: Actor, action: AuditAction, objects) -> None:
    """One row per object in one insert (imports), the same rows ``record`` would write."""
    _append([_event(actor, action, obj) for obj in objects])


def record_security(actor: Actor, action: AuditAction, user=None) -> None:
    """Sign-in and account events: not about a family, kept for the same review."""
    event = Entry(
        user_id=user.pk if user else None,
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        ip_address=actor.ip_address,
        page=actor.page,
    )
    _append([event])


def record_operation(action: AuditAction, what: str, reference: str = "") -> None:
    """An operator's command on the whole database (a backup, a restore): no user, no family;
    ``reference`` names the result (the archive's SHA-256)."""
    _append([Entry(user_id=None, action=action, object_type=what, object_id=reference)])


def record_read(request, family) -> None:
    """A page read ``family``'s file: one row per request, named after the page."""
    seen = request.__dict__.setdefault("_parcours_audited_families", set())
    if family.pk in seen:
        return
    seen.add(family.pk)
    record(Actor.from_request(request), AuditAction.VIEW, family)


def record_listed(request, family_ids) -> None:
    """A page showed these families in a list or a table: one row each, never the search that
    found them."""
    record_listed_by(Actor.from_request(request), family_ids)


def record_listed_by(actor: Actor, family_ids) -> None:
    """As ``record_listed``, for work done away from the page (a report file made by the
    worker for the person who asked)."""
    user_id = _user_id(actor)
    _append(
        [
            Entry(
                user_id=user_id,
                action=AuditAction.LIST,
                object_type="cases.family",
                object_id=str(family_id),
                family_id=family_id,
                ip_address=actor.ip_address,
                page=actor.page,
            )
            for family_id in dict.fromkeys(family_ids)
        ]
    )


def verify() -> tuple[int, AuditEvent | None, str]:
    """Walk the trail in order: (rows checked, the first row whose link is broken or None,
    the last good chain value). Rows from before the chain began (no chain value) lead."""
    previous, checked = None, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if previous is None and not event.chain:
            continue  # written before this version chained the trail
        expected = link(previous or GENESIS, event)
        if not hmac.compare_digest(expected, event.chain):
            return checked, event, previous or GENESIS
        previous = event.chain
        checked += 1
    return checked, None, previous or GENESIS
