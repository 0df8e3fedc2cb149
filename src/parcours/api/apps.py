from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API other systems build on (/api/v1/): personal tokens with scopes, the same
    visibility gate, services and audit as the pages, webhook subscriptions. At the top with
    pages and collect: it calls the domain apps' services; nothing below imports it."""

    name = "parcours.api"
    verbose_name = _("API")
