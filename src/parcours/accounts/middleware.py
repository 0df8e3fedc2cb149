"""What every signed-in request must satisfy: a second factor, and the session's limits.

The idle limit is the session's own expiry (SESSION_COOKIE_AGE, checked by the session store
on the server), renewed by a request once a minute at most: saving the session on every request
was a second write per page. The absolute limit counts from sign-in.
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
RENEWED_AT = "parcours_renewed_at"
RENEW_AFTER_SECONDS = 60
SECONDS_LEFT_HEADER = "X-Session-Seconds-Left"

# Reachable before the second factor: setting it up, leaving, the language, the static files.
_OPEN_TO_UNVERIFIED = ("accounts:two_factor_setup", "logout", "set_language", "login")


class SessionLimitsMiddleware:
    """Ends a session PARCOURS_SESSION_MAX_HOURS after sign-in, whatever its activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
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
        # Once a minute, or each tenth of the idle limit when that is shorter.
        every = min(RENEW_AFTER_SECONDS, settings.SESSION_COOKIE_AGE / 10)
        if now - request.session.get(RENEWED_AT, 0) >= every:
            renew(request)
        response = self.get_response(request)
        if RENEWED_AT in request.session:  # not after signing out
            response[SECONDS_LEFT_HEADER] = seconds_left(request)
        return response


def renew(request) -> None:
    """Push the idle limit back to SESSION_COOKIE_AGE from now: the session changes, so the
    store saves it with a new expiry."""
    request.session[RENEWED_AT] = timezone.now().timestamp()


def seconds_left(request) -> int:
    """Seconds until the store forgets this session if nothing renews it: what the page counts
    down from (the last renewal may be up to a minute old)."""
    renewed = request.session.get(RENEWED_AT, timezone.now().timestamp())
    left = renewed + settings.SESSION_COOKIE_AGE - timezone.now().timestamp()
    return max(0, int(left))


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
