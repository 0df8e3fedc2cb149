"""Webhooks: a project's events told to other systems, through the same outbox as the mails.

``emit`` is called by the services that cause an event, inside their transaction: one message
per subscription that wants it, so an event is delivered once the change is committed, and
never for a change that was rolled back. The worker delivers it (``send``), signed as the
Standard Webhooks specification says (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>``).

A payload carries the event type, ids, case numbers, codes and times: never a name, a date of
birth or free text. In production only ``https://`` addresses that resolve to public addresses
are delivered to (no loopback, private or link-local address: checked when subscribing and
again at each delivery, and redirects are not followed).
"""

import base64
import datetime
import http.client
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from standardwebhooks.webhooks import Webhook as Signer

from parcours.notify.models import DeliveryAttempt, Message, Webhook
from parcours.privacy.audit import record
from parcours.privacy.models import AuditAction

TIMEOUT_SECONDS = 10
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)


class EventType(models.TextChoices):
    FAMILY_REFERRED = "family.referred", gettext_lazy("a family is referred")
    FAMILY_ADMITTED = "family.admitted", gettext_lazy("a family is admitted")
    FAMILY_CLOSED = "family.closed", gettext_lazy("a file is closed")
    SHEET_SUBMITTED = "sheet.submitted", gettext_lazy("a sheet is submitted")
    DEADLINE_APPROACHING = "deadline.approaching", gettext_lazy("a legal deadline approaches")
    FAMILY_FLAGGED = "family.flagged", gettext_lazy("a file is flagged")
    FLAG_REMOVED = "family.flag_removed", gettext_lazy("a flag is removed from a file")


class AddressRefused(ValueError):
    """A webhook address Parcours does not deliver to; the message says why."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> str | None:
    """Refuse what production never delivers to: not https, or a host that resolves to a
    loopback, private, link-local or otherwise non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(_("Give an http(s) address."))
    if parts.username or parts.password:
        raise AddressRefused(_("An address with a user name or password in it is refused."))
    if settings.PARCOURS_WEBHOOKS_LOCAL:
        return None
    if parts.scheme != "https":
        raise AddressRefused(_("Only https:// addresses receive webhooks."))
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(_("%(host)s cannot be found.") % {"host": parts.hostname}) from None
    for *_rest, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise AddressRefused(
                _("%(host)s is a loopback, private or link-local address: refused.")
                % {"host": parts.hostname}
            )
    return found[0][4][0]


@transaction.atomic
def subscribe(actor, project, url: str, events: list[str], deadline_days: int = 7):
    """A new subscription of ``url`` to ``events`` of ``project``; the secret is returned
    once (kept sealed, to sign). Refuses an address production would not deliver to."""
    check_url(url)
    unknown = set(events) - set(EventType.values)
    if unknown or not events:
        raise ValueError(f"unknown events: {', '.join(sorted(unknown))}")
    secret = new_secret()
    hook = Webhook.objects.create(
        project=project,
        url=url,
        events=sorted(set(events)),
        deadline_days=deadline_days,
        secret=secret,
        created_by=_user(actor),
    )
    record(actor, AuditAction.CREATE, hook)
    return hook, secret


@transaction.atomic
def unsubscribe(actor, hook: Webhook) -> None:
    """Nothing more is queued or sent: the subscription goes with its messages and log."""
    record(actor, AuditAction.DELETE, hook)
    hook.delete()


@transaction.atomic
def resume(actor, hook: Webhook) -> None:
    """A paused subscription sends again (events from now on; the dropped ones stay dropped)."""
    if hook.paused_at is not None:
        hook.paused_at = None
        hook.save(update_fields=["paused_at"])
        record(actor, AuditAction.UPDATE, hook)


def _user(actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def wanted(event: str, project_ids=None) -> bool:
    """Whether any subscription (of these projects) wants ``event``: one query, so a bulk
    import without subscriptions pays nothing more."""
    hooks = Webhook.objects.filter(active=True, paused_at=None)
    if project_ids is not None:
        hooks = hooks.filter(project_id__in=project_ids)
    return any(event in events for events in hooks.values_list("events", flat=True))


def emit(event: str, project_id: int, data: dict, *, key: str, at=None) -> int:
    """Queue ``event`` for each subscription of the project that wants it, in the caller's
    transaction; ``key`` makes it once per subscription however often it is emitted."""
    return emit_many(event, [(project_id, data, key)], at=at)


def emit_many(event: str, items: list[tuple[int, dict, str]], *, at=None) -> int:
    """``emit`` for many events of one type at once (imports): (project id, data, key) each."""
    projects = {project_id for project_id, _data, _key in items}
    hooks: dict[int, list[Webhook]] = {}
    for hook in Webhook.objects.filter(project_id__in=projects, active=True, paused_at=None):
        if event in hook.events:
            hooks.setdefault(hook.project_id, []).append(hook)
    if not hooks:
        return 0
    at = at or timezone.now()
    messages = [
        Message(
            channel=Message.Channel.WEBHOOK,
            kind=event,
            key=f"webhook:{hook.pk}:{key}"[:200],
            webhook=hook,
            payload={"type": event, "timestamp": at.isoformat(), "data": data},
        )
        for project_id, data, key in items
        for hook in hooks.get(project_id, ())
        if event != EventType.DEADLINE_APPROACHING or data.get("days", 0) <= hook.deadline_days
    ]
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)


def family_data(family, **extra) -> dict:
    """What an event says of a family: its id, case number, project and status (dates in ISO)."""
    return {
        "family_id": str(family.pk),
        "case_number": family.case_number,
        "project": family.project.slug,
        "status": family.status,
        **{k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in extra.items()},
    }


def family_event(event: str, family, **extra) -> int:
    """``event`` of ``family`` (referred, admitted, closed), once per file and status."""
    return emit(
        event,
        family.project_id,
        family_data(family, **extra),
        key=f"{event}:{family.pk}:{family.status}",
    )


def signed_headers(message: Message, body: bytes, now: datetime.datetime) -> dict:
    signature = Signer(message.webhook.secret).sign(str(message.pk), now, body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Parcours-Webhooks/1",
        "webhook-id": str(message.pk),
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirect to {newurl} not followed", headers, fp
        )


def _pinned(connection_class, address: str | None):
    """``connection_class`` that connects to ``address`` (the one ``check_url`` found public)
    whatever the name resolves to a moment later: a name that answers once with a public
    address and then with a private one (DNS rebinding) cannot turn a delivery inward. The
    name is still what TLS checks the certificate against and what the Host header says."""

    class Pinned(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if address is not None:
                self._create_connection = lambda where, *rest: socket.create_connection(
                    (address, where[1]), *rest
                )

    return Pinned


class _PinnedHTTP(urllib.request.HTTPHandler):
    def __init__(self, address):
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(_pinned(http.client.HTTPConnection, self.address), req)


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, address):
        super().__init__()
        self.address = address

    def https_open(self, req):
        return self.do_open(_pinned(http.client.HTTPSConnection, self.address), req)


def opener(address: str | None):
    """No proxy from the environment (the address checked is the address connected to), no
    redirect followed, the connection pinned to ``address`` when it was checked."""
    return urllib.request.build_opener(
        _NoRedirects,
        urllib.request.ProxyHandler({}),
        _PinnedHTTP(address),
        _PinnedHTTPS(address),
    )


class DeliveryFailed(Exception):
    pass


def send(message: Message) -> None:
    """POST the message to its subscription, signed; each attempt logged. Raises DeliveryFailed
    on anything but a 2xx answer."""
    hook = message.webhook
    started = time.monotonic()
    attempt = DeliveryAttempt(message=message, webhook=hook)
    try:
        address = check_url(hook.url)
        body = json.dumps(message.payload, separators=(",", ":")).encode()
        request = urllib.request.Request(  # noqa: S310 (check_url allows http(s) only)
            hook.url,
            data=body,
            method="POST",
            headers=signed_headers(message, body, timezone.now()),
        )
        with opener(address).open(request, timeout=TIMEOUT_SECONDS) as answer:
            attempt.status_code = answer.status
    except urllib.error.HTTPError as error:
        attempt.status_code = error.code
        attempt.error = str(error.reason)[:500]
    except (AddressRefused, OSError, ValueError) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:500]
    attempt.milliseconds = int((time.monotonic() - started) * 1000)
    attempt.save()
    if not attempt.succeeded:
        raise DeliveryFailed(
            f"HTTP {attempt.status_code}: {attempt.error}" if attempt.status_code else attempt.error
        )
