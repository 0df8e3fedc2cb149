"""Pauses after failed attempts (django-axes), for passwords and for the tokens of phones and
other systems alike: one limit (PARCOURS_LOGIN_FAILURES in PARCOURS_LOGIN_COOLOFF_MINUTES), one
list for the administrator (the admin site's access attempts).

A token carries no user name, so its attempts are counted per address under a name of their
own ("(phone token)", "(API token)"): someone guessing tokens from one address is paused
whatever name they try, and a person's password sign-in is not paused by them.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.shortcuts import render

PHONE_TOKEN = "(phone token)"  # noqa: S105 (a name attempts are counted under)
API_TOKEN = "(API token)"  # noqa: S105


def locked_out(request, original_response=None, credentials=None):
    """What a person sees when sign-in is paused after too many failures."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": cooloff_minutes()}
    return render(request, "registration/locked_out.html", context, status=429)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def token_paused(request, kind: str) -> bool:
    """Whether tokens of ``kind`` from this request's address are refused for now."""
    return not AxesProxyHandler.is_allowed(request, {"username": kind})


def token_refused(request, kind: str) -> None:
    """Count a wrong token of ``kind`` from this request's address (the audit row is the
    caller's: it names the endpoint)."""
    AxesProxyHandler.user_login_failed(__name__, {"username": kind}, request)
    # This attempt is answered as refused (401, in the API's or OpenRosa's own format); the
    # pause starts with the next one, so axes' middleware must not turn it into its page.
    request.axes_locked_out = False
