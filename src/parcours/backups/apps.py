from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Backups that restore: one encrypted archive of the database and the sealed files. It
    reads every table through the database's own tools, so no app needs to know about it."""

    name = "parcours.backups"
    verbose_name = _("Backups")
