"""Each API view names the scope it needs (``required_scope``, or one per method in
``required_scopes``); a token without it, or whose owner's roles no longer allow it, is 403."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from parcours.api import tokens
from parcours.api.models import ApiToken


def required_scope(view, method: str) -> str | None:
    by_method = getattr(view, "required_scopes", None)
    if by_method:
        return by_method.get(method, by_method.get("*"))
    return getattr(view, "required_scope", None)


class TokenScopes(BasePermission):
    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False  # 401: no token was sent
        scope = required_scope(view, request.method)
        if scope is None:
            return True
        if tokens.may(token, scope):
            return True
        self.message = _("This token may not do this: it needs the scope %(scope)s.") % {
            "scope": scope
        }
        return False
