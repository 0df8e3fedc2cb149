from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """The families' rights over their data (access, for now): composed above every app that
    holds part of a file, so no lower app needs to know the others."""

    name = "parcours.rights"
    verbose_name = _("Rights of the people concerned")
