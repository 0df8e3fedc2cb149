"""The bell's page (a person's notifications), opening one, and the choices of how to hear."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Role
from parcours.notify import services
from parcours.notify.forms import COORDINATOR_KINDS, ChannelsForm
from parcours.notify.models import Kind, Preference, ProjectDefault
from parcours.notify.texts import describe
from parcours.projects.models import Project


def notification_list(request):
    """Newest first, each in the reader's language; only files they may still see."""
    page = Paginator(services.visible_notifications(request.user).order_by("-created_at"), 50)
    shown = page.get_page(request.GET.get("page"))
    rows = [{"n": n, "text": describe(n.kind, n.params, n.case_number)} for n in shown]
    return render(
        request,
        "notify/list.html",
        {"page": shown, "rows": rows, "keep_days": settings.PARCOURS_NOTIFICATION_KEEP_DAYS},
    )


def notification_open(request, notification_pk):
    """Marked read, then on to what it is about; a file no longer theirs is 404."""
    notification = get_object_or_404(
        services.visible_notifications(request.user), pk=notification_pk
    )
    services.mark_read(request.user, [notification])
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None) or (
        not notification.link.startswith("/")
    ):  # a file handed away has nothing to open; a link is only ever a path of this site
        return redirect("notify:list")
    return redirect(notification.link)


@require_POST
def notification_read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, _("%(n)s notification(s) marked read.") % {"n": count})
    return redirect("notify:list")


def _kinds_for(user) -> list[str]:
    coordinating = bool(user.project_ids(Role.COORDINATOR)) or user.is_staff
    return [k for k in Kind.values if coordinating or k not in COORDINATOR_KINDS]


def preferences(request):
    """Account → Notifications: how the person hears of each kind; a coordinator also sets
    the defaults of their projects."""
    user = request.user
    current = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    form = ChannelsForm(request.POST or None, current=current, kinds=_kinds_for(user))
    if request.method == "POST" and form.is_valid():
        services.choose(user, form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notify:preferences")
    projects = Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR)).order_by("name")
    return render(request, "notify/preferences.html", {"form": form, "projects": projects})


def project_defaults(request, slug):
    """A coordinator's defaults for the people of their project who have not chosen."""
    project = get_object_or_404(Project, slug=slug)
    if project.pk not in request.user.project_ids(Role.COORDINATOR):
        raise Http404
    current = dict(ProjectDefault.objects.filter(project=project).values_list("kind", "channel"))
    form = ChannelsForm(request.POST or None, current=current, kinds=Kind.values)
    if request.method == "POST" and form.is_valid():
        services.set_project_defaults(project, form.choices())
        messages.success(request, _("The project's defaults are saved."))
        return redirect("notify:preferences")
    return render(request, "notify/project_defaults.html", {"form": form, "project": project})
