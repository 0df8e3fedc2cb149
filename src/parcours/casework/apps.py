from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "parcours.casework"
    verbose_name = _("Casework")

    def ready(self):
        from parcours.cases import figures
        from parcours.casework.figures import contribute

        figures.contributes(contribute)
