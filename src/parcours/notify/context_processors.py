from parcours.accounts import twofactor
from parcours.notify.services import unread_count


def bell(request):
    """The number on the menu's bell: one indexed count per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if twofactor.required() and not getattr(user, "is_verified", lambda: True)():
        return {}
    return {"unread_notifications": unread_count(user)}
