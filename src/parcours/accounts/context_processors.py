from django.conf import settings

from parcours.accounts import twofactor
from parcours.accounts.middleware import seconds_left
from parcours.accounts.models import Role


def roles(request):
    """What the navigation may offer; access itself is checked again by every view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if twofactor.required() and not getattr(user, "is_verified", lambda: True)():
        return {"second_factor_pending": True}  # no menu until the second factor is set up
    return {
        "session_idle_seconds": settings.PARCOURS_SESSION_IDLE_MINUTES * 60,
        "session_seconds_left": seconds_left(request),
        "is_case_manager": user.has_role(Role.CASE_MANAGER),
        "is_coordinator": user.has_role(Role.COORDINATOR),
        "may_report": user.has_role(Role.COORDINATOR) or user.has_role(Role.EVALUATOR),
    }
