from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "parcours.cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_migrate

        from parcours.database import after_migrate

        post_migrate.connect(after_migrate, sender=self)
