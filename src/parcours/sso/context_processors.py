from django.conf import settings

from parcours.sso import provider
from parcours.sso.services import SESSION_LINK


def single_sign_on(request):
    """The sign-in page's button, and whether this session came through the provider (its
    sign-out then offers the provider's too)."""
    if not provider.configured():
        return {}
    return {
        "sso": {
            "label": settings.PARCOURS_OIDC_LABEL,
            "only": settings.PARCOURS_OIDC_ONLY,
            "session": bool(getattr(request, "session", {}).get(SESSION_LINK)),
        }
    }
