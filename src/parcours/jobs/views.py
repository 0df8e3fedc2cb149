"""A person's background jobs: the page that follows one, and its file once made."""

import io

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from parcours.accounts.models import Role
from parcours.jobs import services
from parcours.jobs.models import Job
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction
from parcours.projects.models import Project


def _mine(request, job_pk) -> Job:
    """Only the person who asked sees a job: anyone else gets 404, as for a family's file."""
    return get_object_or_404(Job.objects.of(request.user), pk=job_pk)


def _keeping() -> dict:
    return {"keep_days": settings.PARCOURS_JOB_KEEP_DAYS}


@require_GET
def job_list(request):
    services.prune()
    jobs = Job.objects.of(request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs, **_keeping()})


@require_GET
def job_page(request, job_pk):
    return render(request, "jobs/job.html", {"job": _mine(request, job_pk), **_keeping()})


@require_GET
def job_status(request, job_pk):
    """The part of the page that htmx asks for again every second while the job is live."""
    return render(request, "jobs/_status.html", {"job": _mine(request, job_pk), **_keeping()})


@require_GET
def job_download(request, job_pk):
    """The file a job made. It leaves the organisation now: recorded as an export of each
    project it holds, for as long as the person still works on all of them."""
    job = _mine(request, job_pk)
    if not job.result_key:
        raise Http404
    project_ids = set(job.params.get("projects", []))
    roles = [Role(role) for role in job.params.get("roles", Role.values)]
    if not project_ids <= request.user.project_ids(*roles):
        raise Http404
    actor = Actor.from_request(request)
    for project in Project.objects.filter(pk__in=project_ids):
        record(actor, AuditAction.EXPORT, project)
    return FileResponse(
        io.BytesIO(services.result(job)),
        content_type=job.result_type,
        as_attachment=True,
        filename=job.result_name,
    )
