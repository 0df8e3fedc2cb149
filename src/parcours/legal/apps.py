from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "parcours.legal"
    verbose_name = _("Legal dossier")

    def ready(self):
        from django.db.models.signals import post_migrate

        from parcours.cases import figures
        from parcours.casework.due import COLLECTORS
        from parcours.legal import seeds
        from parcours.legal.due import deadlines
        from parcours.legal.figures import contribute

        post_migrate.connect(seeds.ensure, sender=self)
        figures.contributes(contribute)

        if deadlines not in COLLECTORS:
            COLLECTORS.append(deadlines)
