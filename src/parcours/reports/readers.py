"""What a report holds for the person reading it: the rule the page and the files share."""

from django.utils.translation import gettext as _

from parcours.accounts.models import Role
from parcours.downloads import file_name
from parcours.reports.cohort import Cohort, FreeText, compute


def read_by(cohort: Cohort, user) -> str:
    """Fit the cohort to its reader and say how much free text they get. What leaves the
    organisation follows the families' consent to evaluation; free text stays with the
    organisation's coordinators unless one of them released it."""
    coordinates_all = all(user.has_role(Role.COORDINATOR, p.pk) for p in cohort.projects)
    cohort.consented_only = not coordinates_all
    return FreeText.ALL if coordinates_all else FreeText.RELEASED


def report_for(cohort: Cohort, user, barriers: int | None = None) -> tuple[dict, set]:
    """The report and the families whose free text it holds; ``barriers`` keeps the first
    few of each cluster (the page)."""
    shown: set = set()
    result = compute(cohort, read_by(cohort, user), shown=shown, barriers=barriers)
    return result, shown


def report_title(projects) -> str:
    return _("Cohort report") + " · " + ", ".join(p.name for p in projects)


def report_file_name(cohort: Cohort, extension: str) -> str:
    """The projects, the round or the period, and "cohort"."""
    if cohort.round_name:
        period = cohort.round_name
    elif cohort.period_from or cohort.period_to:
        period = f"{cohort.period_from or ''}-to-{cohort.period_to or ''}"
    else:
        period = ""
    projects = "-".join(p.name for p in cohort.projects)
    return file_name(projects, period, "cohort", extension=extension)
