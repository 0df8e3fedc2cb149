from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work in the background: a job record per request for it (who asked, how far it
    got, its result sealed on disk), run by `parcours worker` through the Django Tasks API.
    Above accounts, projects and privacy; the apps that have long work enqueue it here."""

    name = "parcours.jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from parcours.jobs import checks  # noqa: F401 (registers the schedule's check)
