"""Sign-in events go to the audit trail (Django's own auth signals; no business logic)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from parcours.privacy.audit import Actor, client_ip, record_security
from parcours.privacy.models import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_security(Actor(user, client_ip(request)), AuditAction.LOGIN, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_security(Actor(user, client_ip(request)), AuditAction.LOGOUT, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_security(Actor(None, client_ip(request)), AuditAction.LOGIN_FAILED)
