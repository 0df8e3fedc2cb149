"""Making, checking and revoking personal API tokens: the one place that decides what a token
may do. A token's power is the meet of its scopes and what its owner's roles allow *now*, in
its project if it names one: a role taken away or an account closed stops it at once."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Role
from parcours.api.models import DEFAULT_DAYS, MAX_DAYS, ApiToken, Scope, new_token, token_hash
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction
from parcours.sso.services import vouched_for_by_provider

SCOPES_OF_ROLE = {
    Role.CASE_MANAGER: {
        Scope.CASES_READ,
        Scope.CASEWORK_WRITE,
        Scope.SHEETS_READ,
        Scope.SHEETS_WRITE,
    },
    Role.COORDINATOR: set(Scope),
    Role.EVALUATOR: {Scope.SHEETS_READ, Scope.REPORTS_READ},
}
# last_used_at is written once a minute at most: not a second write on every request.
TOUCH_EVERY = datetime.timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made as asked; the message says why and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def allowed_scopes(user, project_id: int | None = None) -> set[str]:
    """What ``user``'s roles allow now, in ``project_id`` or in any of their projects."""
    if user is None or not user.is_active:
        return set()
    allowed: set[str] = set()
    for role, scopes in SCOPES_OF_ROLE.items():
        ids = user.project_ids(role)
        if project_id in ids if project_id is not None else ids:
            allowed |= {str(s) for s in scopes}
    return allowed


def project_ids(token: ApiToken, *roles: Role) -> set[int]:
    """The projects where the token's owner holds one of ``roles``, within the token's project."""
    ids = token.user.project_ids(*roles)
    return ids & {token.project_id} if token.project_id else ids


@transaction.atomic
def issue(
    actor: Actor,
    user,
    name: str,
    scopes: list[str] | None = None,
    project=None,
    days: int = DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the token itself is returned once and kept only hashed.
    Without scopes, every scope the owner's roles allow (in the project, if one is named)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, so you can tell it apart later."), "name")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(
            _("A token lasts between 1 and %(max)s days.") % {"max": MAX_DAYS}, "expires_days"
        )
    allowed = allowed_scopes(user, project.pk if project else None)
    if project is not None and not allowed:
        raise TokenError(
            _("%(user)s has no role in %(project)s.")
            % {"user": user.username, "project": project.slug},
            "project",
        )
    wanted = sorted(set(scopes)) if scopes else sorted(allowed)
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown:
        raise TokenError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}, "scopes")
    beyond = [s for s in wanted if s not in allowed]
    if beyond:
        raise TokenError(
            _("%(user)s's roles do not allow: %(scopes)s.")
            % {"user": user.username, "scopes": ", ".join(beyond)},
            "scopes",
        )
    if not wanted:
        raise TokenError(_("%(user)s's roles allow no scope.") % {"user": user.username}, "scopes")
    token = new_token()
    try:
        with transaction.atomic():
            made = ApiToken.objects.create(
                user=user,
                name=name,
                scopes=wanted,
                project=project,
                prefix=token[:12],
                token_hash=token_hash(token),
                created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )
    except IntegrityError:
        raise TokenError(
            _("%(user)s already has a token named “%(name)s”; revoke it first.")
            % {"user": user.username, "name": name},
            "name",
        ) from None
    record_security(actor, AuditAction.TOKEN_CREATED, user)
    return made, token


@transaction.atomic
def revoke(actor: Actor, token: ApiToken) -> None:
    """From now on the token is refused; what it did stays."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_security(actor, AuditAction.TOKEN_REVOKED, token.user)


def authenticate(raw: str, actor: Actor) -> ApiToken | None:
    """The token in use that ``raw`` is, with an active owner; None otherwise (unknown,
    revoked, expired, its owner's account closed or refused by the organisation's provider).
    Its first use is audited."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.in_use()
        .select_related("user", "project")
        .filter(token_hash=token_hash(raw))
        .filter(vouched_for_by_provider("user"))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        record_security(actor, AuditAction.TOKEN_USED, token.user)
    elif now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def may(token: ApiToken, scope: str) -> bool:
    """The token has ``scope`` and its owner's roles still allow it."""
    return scope in token.scopes and scope in allowed_scopes(token.user, token.project_id)


def visible_tokens(user):
    """A person's own tokens, and a coordinator's team's (members of their projects)."""
    coordinated = user.project_ids(Role.COORDINATOR)
    team = ApiToken.objects.filter(user__memberships__project_id__in=coordinated)
    return (ApiToken.objects.filter(user=user) | team).distinct().select_related("user", "project")
