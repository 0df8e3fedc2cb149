"""Sessions made through the provider stay true to it.

Once a minute at most, a request of such a session reads its link: refused by the provider at
the worker's last check, the session ends. A link the worker could not check for
PARCOURS_OIDC_RECHECK_MINUTES (the provider gave no refresh token) is re-checked by sending the
browser to the provider without a prompt (``prompt=none``): on a page load only, never a form
post or a background request, so nothing typed is lost.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from parcours.sso import provider
from parcours.sso.flow import RECHECKING, redirect_to_provider
from parcours.sso.models import ProviderLink
from parcours.sso.services import SESSION_LINK, SESSION_SEEN

READ_EVERY_SECONDS = 60


class ProviderRecheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        link_id = session.get(SESSION_LINK) if session is not None else None
        if link_id and request.user.is_authenticated:
            now = time.time()
            if now - session.get(SESSION_SEEN, 0) >= READ_EVERY_SECONDS:
                answer = self._check(request, link_id, now)
                if answer is not None:
                    return answer
        return self.get_response(request)

    def _check(self, request, link_id, now):
        link = ProviderLink.objects.filter(pk=link_id, user=request.user).first()
        if link is None or link.refused_at is not None:
            logout(request)
            messages.info(
                request, _("Your organisation's sign-in has ended. Sign in again to go on working.")
            )
            return redirect("login")
        checked = link.checked_at.timestamp() if link.checked_at else 0
        if now - checked < settings.PARCOURS_OIDC_RECHECK_MINUTES * 60:
            request.session[SESSION_SEEN] = now
            return None
        if _page_load(request) and provider.configured():
            request.session[RECHECKING] = True
            return redirect_to_provider(request, request.get_full_path(), prompt="none")
        return None


def _page_load(request) -> bool:
    """A top-level page the browser loads (not a form post, an htmx swap or a fetch)."""
    return (
        request.method == "GET"
        and "HX-Request" not in request.headers
        and request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
    )
