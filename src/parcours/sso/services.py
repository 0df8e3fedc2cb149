"""Signing in through the organisation's provider, and keeping that sign-in true.

- ``account_for``: the Parcours account a provider's person is (by the link, or the first time
  by a verified e-mail address of an existing account); nobody gets an account by signing in.
- ``complete``: the Parcours session, with the second factor the provider vouched for or
  Parcours' own code, audited as one or the other.
- ``recheck``: the worker asks the provider (a refresh grant) whether the account still exists;
  a refusal ends the person's sessions and stops their phone and API tokens.
- ``end_provider_sessions``: what the provider's back-channel logout names ends here too.
"""

import datetime
import logging

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp import login as otp_login

from parcours.accounts import twofactor
from parcours.accounts.middleware import SIGNED_IN_AT
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction
from parcours.sso import provider
from parcours.sso.models import Factor, ProviderFactor, ProviderLink, ProviderSession

log = logging.getLogger(__name__)

SESSION_LINK = "parcours_sso_link"  # the link a session was made through
SESSION_SEEN = "parcours_sso_seen"  # when the middleware last read that link
SESSION_PENDING = "parcours_sso_pending"  # waiting for Parcours' code
PENDING_MINUTES = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Refused(Exception):
    """The provider's person has no account here (or it is switched off): nothing is made."""


def account_for(actor: Actor, claims: dict):
    """The active account the provider's person ``claims`` is, linking it the first time by a
    verified e-mail address; raises Refused otherwise (audited)."""
    issuer, subject = claims["iss"], claims["sub"]
    link = ProviderLink.objects.select_related("user").filter(issuer=issuer, subject=subject)
    link = link.first()
    if link is not None:
        if not link.user.is_active:
            _refused(actor, link.user, "sso:inactive")
        return link
    email = (claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is not True:
        _refused(actor, None, "sso:unknown")
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    if len(users) != 1:  # nobody, or two accounts share the address: an administrator links
        _refused(actor, None, "sso:unknown")
    user = users[0]
    if ProviderLink.objects.filter(user=user).exists():  # linked to another person there
        _refused(actor, user, "sso:linked-elsewhere")
    with transaction.atomic():
        link = ProviderLink.objects.create(user=user, issuer=issuer, subject=subject)
        record_security(_as(actor, "sso:by-email"), AuditAction.SSO_LINKED, user)
    return link


def _refused(actor: Actor, user, why: str):
    record_security(_as(actor, why), AuditAction.SSO_REFUSED, user)
    raise Refused(why)


def _as(actor: Actor, page: str) -> Actor:
    return Actor(actor.user, actor.ip_address, page)


def second_factor(link: ProviderLink, claims: dict) -> str:
    """What the sign-in needs next: ``provider`` (its second factor suffices), ``code``
    (Parcours' own, an app is set up), ``enrol`` (Parcours' own, not set up yet) or ``none``
    (no second factor is asked of anyone here)."""
    if provider.second_factor_used(claims):
        return Factor.PROVIDER
    if not twofactor.required():
        return Factor.NONE
    return "code" if twofactor.enrolled_device(link.user) else "enrol"


def remember(link: ProviderLink, token: dict) -> None:
    """Keep the refresh token that lets the worker re-check the account (sealed)."""
    link.refresh_token = token.get("refresh_token") or link.refresh_token
    link.checked_at = timezone.now()
    link.save(update_fields=["refresh_token", "checked_at"])


@transaction.atomic
def complete(request, link: ProviderLink, factor: str, sid: str = "", device=None) -> None:
    """Sign ``link``'s person in: the session, its second factor, the record of both."""
    user = link.user
    login(request, user, backend=MODEL_BACKEND)
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()
    if factor == Factor.PROVIDER:
        device, _made = ProviderFactor.objects.get_or_create(
            user=user, defaults={"name": "provider", "confirmed": True}
        )
    if device is not None:
        otp_login(request, device)
    request.session[SESSION_LINK] = str(link.pk)
    request.session[SESSION_SEEN] = timezone.now().timestamp()
    request.session.save()
    ProviderSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"link": link, "sid": sid or ""}
    )
    now = timezone.now()
    changed = ["last_sign_in_at", "last_factor", "checked_at"]
    link.last_sign_in_at = link.checked_at = now
    link.last_factor = factor if factor in Factor.values else Factor.PARCOURS
    actor = Actor(user, Actor.from_request(request).ip_address, f"sso:{link.last_factor}")
    if link.refused_at is not None:  # the provider vouches for the account again
        link.refused_at = None
        changed.append("refused_at")
        record_security(_as(actor, "sso:vouched-again"), AuditAction.SSO_LINKED, user)
    link.save(update_fields=changed)
    record_security(actor, AuditAction.SSO_SIGNED_IN, user)


def vouched_for_by_provider(user_field: str) -> Q:
    """A filter for rows whose ``user_field`` is not refused by the provider (no link, or a
    link in good standing): one join in the query that finds a token, not a second query."""
    return Q(**{f"{user_field}__provider_link__isnull": True}) | Q(
        **{f"{user_field}__provider_link__refused_at__isnull": True}
    )


def due_for_recheck(now: datetime.datetime | None = None):
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.PARCOURS_OIDC_RECHECK_MINUTES)
    return (
        ProviderLink.objects.filter(refused_at__isnull=True, user__is_active=True)
        .exclude(refresh_token="")
        .filter(checked_at__lt=stale)
        .select_related("user")
    )


def recheck(link: ProviderLink) -> bool | None:
    """Ask the provider whether ``link``'s account still exists (a refresh grant): True when
    it answers with new tokens, False when it refuses (then the account is stopped here),
    None when it cannot be reached (asked again at the next round)."""
    try:
        token = provider.client().fetch_access_token(
            grant_type="refresh_token", refresh_token=link.refresh_token
        )
    except OAuthError as error:
        if error.error in {"invalid_grant", "unauthorized_client", "invalid_client"}:
            refuse(link, error.error)
            return False
        log.warning("single sign-on re-check of %s failed: %s", link.pk, error)
        return None
    except Exception as error:  # the provider down or unreachable: not the person's doing
        log.warning("single sign-on re-check of %s failed: %s", link.pk, error)
        return None
    remember(link, token)
    return True


@transaction.atomic
def refuse(link: ProviderLink, why: str) -> None:
    """The provider no longer vouches for the account: every session ends (password ones
    too) and the phone and API tokens stop until the person signs in through the provider
    again or an administrator unlinks the account."""
    link.refused_at = timezone.now()
    link.refresh_token = ""
    link.save(update_fields=["refused_at", "refresh_token"])
    _end(link.sessions.all())
    twofactor.end_sessions(link.user)
    record_security(Actor(None, None, f"sso:{why}"[:80]), AuditAction.SSO_REFUSED, link.user)


def recheck_due() -> int:
    """One round of the worker's re-checks; returns how many accounts were asked about.

    Each link is claimed first (its check time moved on, if no other worker moved it): with
    refresh tokens that turn at each use, two workers asking with one token would make the
    provider refuse the second, and an account would be stopped for nothing."""
    asked = 0
    for link in list(due_for_recheck()[:200]):
        claimed = ProviderLink.objects.filter(pk=link.pk, checked_at=link.checked_at)
        if not claimed.update(checked_at=timezone.now()):
            continue
        asked += 1
        if recheck(link) is None:  # unreachable: due again at the next round
            ProviderLink.objects.filter(pk=link.pk).update(checked_at=link.checked_at)
    return asked


def end_provider_sessions(issuer: str, subject: str | None, sid: str | None) -> int:
    """The provider's back-channel logout: end the sessions it names (by ``sid``, else every
    session of ``subject``); returns how many ended."""
    sessions = ProviderSession.objects.filter(link__issuer=issuer)
    if sid:
        sessions = sessions.filter(sid=sid)
        if subject:
            sessions = sessions.filter(link__subject=subject)
    elif subject:
        sessions = sessions.filter(link__subject=subject)
    else:
        return 0
    ended = list(sessions.select_related("link__user"))
    _end(ended)
    for session in {s.link.user_id: s for s in ended}.values():
        user = session.link.user
        record_security(Actor(None, None, "sso:backchannel-logout"), AuditAction.SSO_ENDED, user)
    return len(ended)


def _end(sessions) -> None:
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = [s.session_key for s in sessions]
    for key in keys:
        store(session_key=key).delete()
    ProviderSession.objects.filter(session_key__in=keys).delete()


@transaction.atomic
def link_account(actor: Actor, user, subject: str, issuer: str | None = None) -> ProviderLink:
    """An administrator links ``user`` to the provider's ``subject`` (the operator's command)."""
    issuer = issuer or settings.PARCOURS_OIDC_ISSUER
    if not issuer:
        raise ValueError("PARCOURS_OIDC_ISSUER is not set: there is no provider to link to")
    taken = ProviderLink.objects.filter(issuer=issuer, subject=subject).exclude(user=user)
    if taken.exists():
        raise ValueError(f"{subject} is already linked to {taken.first().user.username}")
    link, _made = ProviderLink.objects.update_or_create(
        user=user,
        defaults={"issuer": issuer, "subject": subject, "refused_at": None, "refresh_token": ""},
    )
    record_security(_as(actor, "sso:by-operator"), AuditAction.SSO_LINKED, user)
    return link


@transaction.atomic
def unlink_account(actor: Actor, user) -> bool:
    """Forget the link (the provider's sessions end; password sign-in stays as it was)."""
    link = ProviderLink.objects.filter(user=user).first()
    if link is None:
        return False
    _end(link.sessions.all())
    link.delete()
    ProviderFactor.objects.filter(user=user).delete()
    record_security(_as(actor, "sso:by-operator"), AuditAction.SSO_UNLINKED, user)
    return True
