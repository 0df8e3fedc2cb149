"""What every signed-in request must satisfy: a second factor, and the session's limits.

The idle limit is the session's own expiry (SESSION_COOKIE_AGE, renewed by each request and
checked by the session store on the server); the absolute limit counts from sign-in.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts import twofactor

SIGNED_IN_AT = "parcours_signed_in_at"

# Reachable before the second factor: setting it up, leaving, the language, the static files.
_OPEN_TO_UNVERIFIED = ("accounts:two_factor_setup", "logout", "set_language", "login")


class SessionLimitsMiddleware:
    """Ends a session PARCOURS_SESSION_MAX_HOURS after sign-in, whatever its activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(SIGNED_IN_AT, now)
            if now - started > settings.PARCOURS_SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(
                    request,
                    _("For your safety you were signed out after %(hours)s hours. Sign in again.")
                    % {"hours": settings.PARCOURS_SESSION_MAX_HOURS},
                )
                return redirect_to_login(request.path)
        return self.get_response(request)


class TwoFactorMiddleware:
    """With PARCOURS_REQUIRE_2FA, a signed-in person without a verified second factor reaches
    only the set-up page (and signing out)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths: set[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            twofactor.required()
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in _OPEN_TO_UNVERIFIED}
            if request.path not in self.open_paths:
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)
