from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """The day's reminders and digests: what is due in every app's files (casework.due, the
    legal deadlines), told through parcours.notify. Above the case apps; no model of its own."""

    name = "parcours.reminders"
    verbose_name = _("Reminders")
