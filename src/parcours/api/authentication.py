"""Bearer tokens, and nothing else: no session, so no cookie can be ridden (the API needs no
CSRF check, as DRF's views are exempt and SessionAuthentication is not used); no token in the
address, where proxies and browser histories would keep it. Failed attempts are counted per
address by django-axes, as password attempts are, and refused for a while after
PARCOURS_LOGIN_FAILURES (parcours.accounts.lockout)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from parcours.accounts.lockout import API_TOKEN, cooloff_minutes, token_paused, token_refused
from parcours.api import tokens
from parcours.privacy.audit import Actor, client_ip, record_security
from parcours.privacy.models import AuditAction

_IN_ADDRESS = ("token", "access_token", "api_key", "key")


def actor(request) -> Actor:
    """Who acts through the API: the token's owner, from their address, on this endpoint with
    this token (the audit trail's page)."""
    match = getattr(request, "resolver_match", None)
    token = getattr(request, "auth", None)
    page = f"{match.view_name if match else 'api'} {token.label if token else ''}".strip()
    return Actor(user=request.user, ip_address=client_ip(request), page=page[:80])


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        if any(name in request.query_params for name in _IN_ADDRESS):
            raise exceptions.AuthenticationFailed(
                _("Send the token in the Authorization header, never in the address.")
            )
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Bearer TOKEN.")
            )
        address = client_ip(request)
        if token_paused(request._request, API_TOKEN):
            raise exceptions.Throttled(
                wait=cooloff_minutes() * 60,
                detail=_("Too many failed tokens from this address; try again later."),
            )
        try:
            raw = header[1].decode()
        except UnicodeError:
            raw = ""
        token = tokens.authenticate(raw, Actor(None, address, "api"))
        if token is None:
            token_refused(request._request, API_TOKEN)
            record_security(Actor(None, address, "api"), AuditAction.LOGIN_FAILED)
            raise exceptions.AuthenticationFailed(_("This token is unknown, expired or revoked."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="parcours"'
