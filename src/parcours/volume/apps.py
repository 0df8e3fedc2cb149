from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolumeConfig(AppConfig):
    """Realistic volume for trials and benchmarks (``parcours generate``): families with their
    whole file, written through the product's models, encryption, imports and audit. Above the
    apps whose records it makes; nothing imports it."""

    name = "parcours.volume"
    verbose_name = _("Generated volume")
