from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "parcours.legal"
    verbose_name = _("Legal dossier")

    def ready(self):
        from parcours.casework.due import COLLECTORS
        from parcours.legal.due import deadlines

        if deadlines not in COLLECTORS:
            COLLECTORS.append(deadlines)
