"""Pages of the family file. Each view: visibility gate (404), form, service call, render."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.models import Role
from parcours.cases import approvals, duplicates, figures, history, services
from parcours.cases.access import (
    case_worker_required,
    is_case_worker,
    is_htmx,
    posted,
    visible_family,
    visible_person,
)
from parcours.cases.choices import FamilyStatus
from parcours.cases.forms import (
    AdmitForm,
    ApprovalNoteForm,
    CaseListFilter,
    CloseForm,
    ClosureRequestForm,
    CoverForm,
    DecisionForm,
    FamilyForm,
    FlagForm,
    MemberFormSet,
    PersonForm,
    ReasonForm,
    ReassignForm,
    ReferAgainForm,
    ReferralForm,
    RemoveFlagForm,
    ScreeningForm,
)
from parcours.cases.lifecycle import TransitionError, check, get_transition
from parcours.cases.listing import table_page, table_rows
from parcours.cases.models import Approval, Family, Flag, PossibleDuplicate
from parcours.privacy.audit import Actor, record_listed
from parcours.privacy.models import AuditEvent
from parcours.projects.models import Project


@require_GET
def home(request):
    user = request.user
    if user.has_role(Role.CASE_MANAGER):
        return redirect("cases:caseload")
    if user.has_role(Role.COORDINATOR):
        return redirect("dashboard:dashboard")
    return render(request, "cases/no_case_access.html")


@require_GET
@case_worker_required
def caseload(request):
    """The signed-in case manager's own families, grouped by where they stand."""
    families = (
        Family.objects.visible_to(request.user)
        .filter(case_managers=request.user)
        .exclude(status__in=[FamilyStatus.CLOSED, FamilyStatus.DECLINED, FamilyStatus.WITHDRAWN])
        .order_by("case_number", "-referred_on")
    )
    groups = {
        status: []
        for status in (
            FamilyStatus.REFERRED,
            FamilyStatus.SCREENING,
            FamilyStatus.ACTIVE,
            FamilyStatus.PAUSED,
        )
    }
    for row in table_rows(families):
        groups[row.status].append(row)
    record_listed(request, [row.pk for group in groups.values() for row in group])
    return render(
        request,
        "cases/caseload.html",
        {
            "groups": [(FamilyStatus(s).label, rows) for s, rows in groups.items()],
            "may_refer": is_case_worker(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@case_worker_required
def case_list(request):
    """Search and filter every visible family; htmx swaps the results only.

    The page's form posts, so a searched name never travels in a URL (access logs, proxies,
    browser history); GET still serves plain filters such as ?status=active.
    """
    criteria = request.POST if request.method == "POST" else request.GET
    form = CaseListFilter(criteria or None, user=request.user)
    families = Family.objects.visible_to(request.user)
    searched = ""
    if form.is_valid():
        data = form.cleaned_data
        families = services.search(families, data["q"])  # ordered: exact names first
        searched = data["q"].strip()
        if data["status"] == CaseListFilter.OPEN:
            families = families.filter(status__in=(FamilyStatus.ACTIVE, FamilyStatus.PAUSED))
        elif data["status"]:
            families = families.filter(status=data["status"])
        chosen = data["case_managers"]
        if chosen is not None and len(chosen) == 1:
            families = families.filter(case_managers=chosen[0])
        elif chosen is not None:  # a name several people answer to, or none
            held = Family.case_managers.through.objects.filter(user_id__in=chosen)
            families = families.filter(pk__in=held.values("family_id"))
        if data["flag"]:
            flags = Flag.objects.current()
            if data["flag"] != CaseListFilter.ANY_FLAG:
                flags = flags.filter(reason__code=data["flag"])
            families = families.filter(pk__in=flags.values("family_id"))
        if data["attention"]:
            projects = Project.objects.filter(
                pk__in=request.user.project_ids(Role.COORDINATOR, Role.CASE_MANAGER)
            )
            within = data["within"] if data["within"] is not None else figures.DEADLINE_DAYS
            families = families.filter(figures.needing(data["attention"], projects, within=within))
    else:
        families = families.order_by(*services.LIST_ORDER)
    # No join to the project (the table does not show it): with it, SQLite put the project
    # first and sorted every file for a deep page (160 ms instead of 5 at 100 000 families).
    page = table_page(families, criteria.get("page"), settings.PARCOURS_CASE_LIST_PAGE_SIZE)
    record_listed(request, [row.pk for row in page.object_list])
    return render(
        request,
        "cases/_case_results.html" if is_htmx(request) else "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "may_refer": is_case_worker(request.user),
            "searched": services.searched_for(searched) if searched else "",
            "earlier_files_waiting": (
                len(duplicates.waiting_list(request.user)) if not is_htmx(request) else 0
            ),
            "approvals_waiting": (
                approvals.waiting(request.user).count() if not is_htmx(request) else 0
            ),
        },
    )


@require_GET
@case_worker_required
def case_manager_names(request):
    """The names the case list's case-manager field offers as one types: of the case
    managers of the user's projects only."""
    projects = request.user.project_ids(Role.COORDINATOR, Role.CASE_MANAGER)
    typed = request.GET.get("case_manager_name", "")[:150]
    return render(
        request,
        "cases/_case_manager_names.html",
        {"names": services.case_manager_suggestions(typed, *projects)},
    )


@require_http_methods(["GET", "POST"])
@case_worker_required
def referral_create(request):
    form = ReferralForm(posted(request), user=request.user)
    members = MemberFormSet(posted(request), prefix="m")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        family = services.register_referral(
            Actor.from_request(request),
            form.save(commit=False),
            [f.save(commit=False) for f in members.forms if f.has_changed()],
        )
        messages.success(request, _("The referral is registered."))
        if family.possible_duplicates.exists():
            messages.warning(
                request,
                _("This family may be known from an earlier file: see the top of the page."),
            )
        return redirect(family)
    return render(request, "cases/referral_form.html", {"form": form, "members": members})


@require_POST
def earlier_file_decision(request, pk, duplicate_pk):
    """Settle a possible earlier file: both files must be visible, else 404."""
    family = visible_family(request, pk)
    duplicate = get_object_or_404(family.possible_duplicates, pk=duplicate_pk)
    if not Family.objects.visible_to(request.user).filter(pk=duplicate.earlier_id).exists():
        raise Http404
    try:
        duplicates.decide(Actor.from_request(request), duplicate, request.POST.get("decision", ""))
    except duplicates.DecisionError as error:
        messages.error(request, str(error))
    else:
        if duplicate.decision == PossibleDuplicate.Decision.LINKED:
            messages.success(
                request, _("Linked: the earlier file is now this family's earlier referral.")
            )
        else:
            messages.success(request, _("Noted: not the same family."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(family)


@require_GET
@case_worker_required
def earlier_files(request):
    """The possible earlier files waiting for a decision that the user may settle (both files
    visible): the coordinator's list."""
    waiting = duplicates.waiting_list(request.user)[:200]
    prefetch_related_objects(waiting, "family__members", "earlier__members")
    record_listed(request, [d.family_id for d in waiting] + [d.earlier_id for d in waiting])
    return render(request, "cases/earlier_files.html", {"waiting": waiting})


@require_GET
@case_worker_required
def member_row(request):
    """htmx: one more empty member row for the referral form."""
    try:
        index = max(0, min(int(request.GET.get("index", "0")), 30))
    except ValueError:
        index = 0
    form = MemberFormSet(prefix="m").empty_form
    form.prefix = f"m-{index}"
    return render(request, "cases/_member_row.html", {"form": form, "index": index})


@require_http_methods(["GET", "POST"])
def family_edit(request, pk):
    family = visible_family(request, pk)
    form = FamilyForm(posted(request), instance=family)
    if request.method == "POST" and form.is_valid():
        services.update_family(
            Actor.from_request(request), form.save(commit=False), form.changed_data
        )
        messages.success(request, _("The family file is saved."))
        return redirect(family)
    return render(request, "cases/family_form.html", {"family": family, "form": form})


@require_http_methods(["GET", "POST"])
def screening(request, pk):
    family = visible_family(request, pk)
    if family.status not in (FamilyStatus.REFERRED, FamilyStatus.SCREENING):
        messages.error(request, _("Only a referral can be screened."))
        return redirect(family)
    criteria = family.project.criteria.filter(active=True)
    current = {a.criterion_id: a for a in family.assessments.all()}
    form = ScreeningForm(posted(request), criteria=criteria, assessments=current)
    if request.method == "POST" and form.is_valid():
        services.assess(Actor.from_request(request), family, form.results())
        messages.success(request, _("The screening is saved."))
        return redirect(family)
    return render(request, "cases/screening_form.html", {"family": family, "form": form})


_STEP_FORMS = {"admit": AdmitForm, "close": CloseForm}


@require_http_methods(["GET", "POST"])
def family_step(request, pk, name):
    """Take one lifecycle step (admit, decline, pause, close…) with its own form."""
    family = visible_family(request, pk)
    try:
        transition = get_transition(name)
        check(transition, family, request.user)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect(family)
    form_class = _STEP_FORMS.get(name, ReasonForm)
    extra = {"family": family} if name in _STEP_FORMS else {}
    form = form_class(posted(request), transition=transition, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.take_step(Actor.from_request(request), family, name, **form.cleaned_data)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
            return redirect(family)
    return render(
        request,
        "cases/step_form.html",
        {"family": family, "form": form, "transition": transition},
    )


@require_http_methods(["GET", "POST"])
def flag_create(request, pk):
    """Flag the file for attention: anyone who may see it may."""
    family = visible_family(request, pk)
    form = FlagForm(posted(request), family=family)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.raise_flag(
                Actor.from_request(request), family, data["reason"], data["note"], data["ends_on"]
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The file is flagged."))
            return redirect(family)
    return render(request, "cases/flag_form.html", {"family": family, "form": form})


@require_http_methods(["GET", "POST"])
def flag_remove(request, pk, flag_pk):
    family = visible_family(request, pk)
    flag = get_object_or_404(family.flags.select_related("reason", "raised_by"), pk=flag_pk)
    if flag.removed_at is not None:
        messages.info(request, _("This flag was removed already."))
        return redirect(family)
    form = RemoveFlagForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_flag(Actor.from_request(request), flag, form.cleaned_data["why"])
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The flag is removed."))
            return redirect(family)
    return render(request, "cases/flag_remove.html", {"family": family, "flag": flag, "form": form})


@require_http_methods(["GET", "POST"])
def approval_request(request, pk, kind):
    """Ask a coordinator to approve closing the file (with its values) or the case plan."""
    family = visible_family(request, pk)
    if kind not in Approval.Kind.values or not approvals.required(family):
        raise Http404
    closure = kind == Approval.Kind.CLOSURE
    form = (
        ClosureRequestForm(posted(request), family=family)
        if closure
        else ApprovalNoteForm(posted(request))
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        note = values.pop("reason", "") if closure else values.pop("note")
        try:
            approvals.request(Actor.from_request(request), family, kind, note, **values)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request waits for a coordinator's approval."))
            return redirect(family.get_absolute_url() + "#approvals")
    return render(
        request,
        "cases/approval_request.html",
        {"family": family, "form": form, "kind": Approval.Kind(kind)},
    )


@require_POST
def approval_decide(request, pk, approval_pk):
    """A coordinator approves or returns a request; anyone else gets 404."""
    family = visible_family(request, pk)
    if not approvals.may_decide(request.user, family):
        raise Http404
    approval = get_object_or_404(family.approvals, pk=approval_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            approvals.decide(Actor.from_request(request), approval, **form.cleaned_data)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            if form.cleaned_data["decision"] == Approval.Decision.APPROVED:
                messages.success(request, _("Approved."))
            else:
                messages.success(request, _("Returned, with your comment."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(family.get_absolute_url() + "#approvals")


@require_GET
@case_worker_required
def approvals_waiting(request):
    """The requests waiting for this coordinator's decision, oldest first."""
    waiting = list(approvals.waiting(request.user)[:200])
    record_listed(request, [a.family_id for a in waiting])
    return render(request, "cases/approvals.html", {"waiting": waiting})


@require_http_methods(["GET", "POST"])
def refer_again(request, pk):
    earlier = visible_family(request, pk)
    form = ReferAgainForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            family = services.refer_again(
                Actor.from_request(request), earlier, form.cleaned_data["referred_on"]
            )
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect(earlier)
        messages.success(request, _("The new referral is registered and linked."))
        return redirect(family)
    return render(request, "cases/refer_again_form.html", {"family": earlier, "form": form})


@require_GET
def family_audit(request, pk):
    """Who has seen this file: its coordinators, and its case managers (who see who else
    opened their families), filtered by person and period, unusual access flagged."""
    family = visible_family(request, pk)
    coordinator = request.user.has_role(Role.COORDINATOR, family.project_id)
    if not coordinator and not family.case_managers.filter(pk=request.user.pk).exists():
        raise Http404
    events = AuditEvent.objects.filter(family_id=family.pk)
    filters = history.HistoryFilter(request.GET or None, events=events)
    page = Paginator(filters.filter(events).select_related("user"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/family_audit.html",
        {
            "family": family,
            "page": page,
            "rows": history.annotate(list(page.object_list), family),
            "filters": filters,
            "query": query.urlencode(),
            "show_address": coordinator,
            "alert": settings.PARCOURS_ACCESS_ALERT,
        },
    )


@require_http_methods(["GET", "POST"])
def assignment(request, pk):
    """Who manages the file: a coordinator hands it to other case managers or gives a
    colleague temporary cover; the history of both is kept."""
    family = visible_family(request, pk)
    if not request.user.has_role(Role.COORDINATOR, family.project_id):
        raise Http404
    actor = Actor.from_request(request)
    action = request.POST.get("action") if request.method == "POST" else None
    reassign = ReassignForm(request.POST if action == "reassign" else None, family=family)
    cover = CoverForm(request.POST if action == "cover" else None, family=family)
    try:
        if action == "reassign" and reassign.is_valid():
            services.reassign(
                actor, family, list(reassign.cleaned_data["case_managers"]),
                reassign.cleaned_data["note"],
            )  # fmt: skip
            messages.success(request, _("The file is handed over."))
            return redirect("cases:assignment", family.pk)
        if action == "cover" and cover.is_valid():
            services.give_cover(actor, cover.save(commit=False))
            messages.success(request, _("The cover is in place."))
            return redirect("cases:assignment", family.pk)
        if action == "end_cover":
            ending = family.covers.filter(pk=_uuid(request.POST.get("cover"))).first()
            if ending is None:
                raise Http404
            services.end_cover(actor, ending)
            messages.success(request, _("The cover has ended."))
            return redirect("cases:assignment", family.pk)
    except TransitionError as error:
        (reassign if action == "reassign" else cover).add_error(None, str(error))
    return render(
        request,
        "cases/assignment.html",
        {
            "family": family,
            "reassign": reassign,
            "cover": cover,
            "covers": family.covers.select_related("user", "granted_by"),
            "history": family.assignments.select_related("user", "by")[:50],
            "today": timezone.localdate(),
        },
    )


def _uuid(text):
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def person_create(request, pk):
    family = visible_family(request, pk)
    form = PersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.family = family
        services.save_person(Actor.from_request(request), person)
        messages.success(request, _("The member is added."))
        return redirect(family)
    return render(request, "cases/person_form.html", {"family": family, "form": form})


@require_GET
def person_detail(request, pk, person_pk):
    person = visible_person(request, pk, person_pk)
    services.record_view(Actor.from_request(request), person)
    return render(request, "cases/person_detail.html", {"family": person.family, "person": person})


@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk):
    person = visible_person(request, pk, person_pk)
    form = PersonForm(posted(request), instance=person)
    if request.method == "POST" and form.is_valid():
        services.save_person(Actor.from_request(request), form.save(commit=False))
        messages.success(request, _("The member is saved."))
        return redirect(person)
    services.record_view(Actor.from_request(request), person)
    return render(
        request,
        "cases/person_form.html",
        {"family": person.family, "person": person, "form": form},
    )
