"""Off to the provider and back: where the browser returns, kept in its session."""

import urllib.parse

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from parcours.sso import provider

NEXT = "parcours_sso_next"
RECHECKING = "parcours_sso_rechecking"


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def redirect_to_provider(request, next_url: str, prompt: str | None = None):
    """Off to the provider's sign-in (PKCE, state and nonce kept in this session)."""
    request.session[NEXT] = _safe_next(request, next_url)
    extra = dict(urllib.parse.parse_qsl(settings.PARCOURS_OIDC_EXTRA_PARAMS))
    if prompt:
        extra["prompt"] = prompt
    language = getattr(request, "LANGUAGE_CODE", "")
    if language:
        extra.setdefault("ui_locales", language)
    callback = request.build_absolute_uri(reverse("sso:callback"))
    return provider.client().authorize_redirect(request, callback, **extra)
