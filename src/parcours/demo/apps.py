from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo project (``parcours demo``): a team and synthetic families with their whole
    file, made through each app's services. Above the apps whose records it makes, like
    ``parcours.volume``; nothing imports it."""

    name = "parcours.demo"
    verbose_name = _("Demo data")
