from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "parcours.privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from parcours.privacy import checks, signals  # noqa: F401
