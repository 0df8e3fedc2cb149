"""How views reach case data: through the visibility gate, or 404 — never a hint."""

import functools

from django.http import Http404
from django.shortcuts import get_object_or_404

from parcours.accounts.models import Role
from parcours.cases.models import Family, Person
from parcours.privacy.audit import record_read


def visible_family(request, pk) -> Family:
    """The one way a view reaches a family: through the gate, or 404. A page that reads the
    family this way is in the audit trail (writes are recorded by the services)."""
    family = get_object_or_404(
        Family.objects.visible_to(request.user).select_related("project"), pk=pk
    )
    if request.method in ("GET", "HEAD"):
        record_read(request, family)
    return family


def visible_person(request, family_pk, pk) -> Person:
    family = visible_family(request, family_pk)
    return get_object_or_404(family.members.select_related("family__project"), pk=pk)


def is_case_worker(user) -> bool:
    """Case managers and coordinators work on families; other roles do not."""
    return bool(user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR))


def case_worker_required(view):
    """Pages for case managers and coordinators only; anyone else gets 404."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_case_worker(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def posted(request):
    """The submitted data, or None for a GET (an empty POST must still bind the form)."""
    return request.POST if request.method == "POST" else None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
