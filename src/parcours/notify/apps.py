from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """Notifications in Parcours and the outbox that carries what leaves it (e-mail; webhooks
    later): rows written in the transaction of the change that causes them, delivered by
    `parcours worker`. Above accounts, projects and privacy; below the case apps, which call
    ``notify.services.notify`` from their services. It reads families only through the
    visibility gate, by the model's name (never importing the case apps)."""

    name = "parcours.notify"
    verbose_name = _("Notifications")

    def ready(self):
        from parcours.notify import checks  # noqa: F401 (registers the mail settings' check)
