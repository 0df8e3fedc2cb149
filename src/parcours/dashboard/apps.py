from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The coordinator's view of the whole caseload (a case manager's of their own files):
    counted from the figures kept ready (cases.FamilyFigures), never from each app's rows."""

    name = "parcours.dashboard"
    verbose_name = _("Dashboard")
