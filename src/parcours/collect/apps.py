from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    """Field collection from phones: Parcours as the OpenRosa server ODK Collect and Enketo
    send sheets to, with a token per person and phone. Above instruments and cases, whose
    services it calls; nothing below imports it."""

    name = "parcours.collect"
    verbose_name = _("Field collection")
