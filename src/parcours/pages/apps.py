from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """Pages made of several apps' panels (the family page): composed here, above the apps
    that provide them, so no lower app imports a higher one."""

    name = "parcours.pages"
    verbose_name = _("Pages")
