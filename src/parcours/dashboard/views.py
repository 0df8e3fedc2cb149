"""The dashboard: the caseload at a glance, every number a link to exactly its files."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from parcours.accounts.models import Role
from parcours.cases.access import case_worker_required
from parcours.dashboard import board
from parcours.projects.models import Project
from parcours.reports.render import distribution


@require_GET
@case_worker_required
def dashboard(request):
    """Counts only: no name and no file is shown here, so nothing is read of a family's file
    and there is no audit row to write; the case list each number opens writes its own."""
    user = request.user
    today = timezone.localdate()
    projects = list(
        Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR, Role.CASE_MANAGER))
    )
    whole, trends = board.overview(user, projects, today)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "board": board.caseload(user, projects, today, request.GET.get("page"), whole),
            "trends": trends,
            "chart": board.column_chart(trends["months"], trends["series"]),
            "outcome_chart": distribution(dict(trends["outcomes"]), {}),
            "rows": list(
                zip(
                    trends["months"],
                    trends["series"]["referrals"],
                    trends["series"]["admissions"],
                    trends["series"]["closures"],
                    strict=True,
                )
            ),
            "is_coordinator": bool(user.project_ids(Role.COORDINATOR)),
            "today": today,
        },
    )
