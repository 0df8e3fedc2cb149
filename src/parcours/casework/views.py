"""Casework pages. Each view: visibility gate (404), form, service call, render or redirect."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from icalendar import Calendar, Event

from parcours.accounts.models import Role
from parcours.cases.access import case_worker_required, is_htmx, posted, visible_family
from parcours.cases.models import Family
from parcours.casework import services
from parcours.casework.due import due_items
from parcours.casework.forms import (
    ActionForm,
    ConsentForm,
    ContactForm,
    PlanForm,
    ProviderForm,
    ReviewForm,
    ServiceReferralForm,
    ServiceReferralUpdateForm,
    WithdrawConsentForm,
)
from parcours.casework.models import CasePlan, ServiceProvider
from parcours.casework.panels import actions_panel, contacts_panel, with_present
from parcours.casework.services import CaseworkError
from parcours.privacy.audit import Actor, client_ip, record, record_listed
from parcours.privacy.models import AuditAction

CALENDAR_HORIZON_DAYS = 60


def _submitted(request, form, call) -> bool:
    """A valid POST whose service call went through; a refusal becomes an error on its field."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call()
    except CaseworkError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return False
    return True


def _page(request, family, form, title, template="casework/form.html", **extra):
    return render(request, template, {"family": family, "form": form, "title": title, **extra})


@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    """Log a contact; from the family page htmx fetches the form into the contacts panel,
    and swaps the panel in place once it is sent."""
    family = visible_family(request, pk)
    form = ContactForm(posted(request), family=family)
    if is_htmx(request) and request.method == "GET":
        return render(
            request, "casework/_contact_form.html", {"family": family, "contact_form": form}
        )
    saved = _submitted(
        request,
        form,
        lambda: services.log_contact(
            Actor.from_request(request), _bind(form, family), form.cleaned_data["present"]
        ),
    )
    if is_htmx(request):
        today = timezone.localdate()
        context = contacts_panel(family, today, None if saved else form)
        return render(request, "casework/_contacts.html", {"family": family, **context})
    if saved:
        messages.success(request, _("The contact is logged."))
        return redirect(family)
    return _page(request, family, form, _("Log a contact"))


def _bind(form, family):
    obj = form.save(commit=False)
    obj.family = family
    return obj


@require_GET
def contact_list(request, pk):
    family = visible_family(request, pk)
    contacts = family.contacts.select_related("author").order_by("-on", "-created_at")
    page = Paginator(contacts, 25).get_page(request.GET.get("page"))
    page.object_list = with_present(page.object_list, family)
    return render(request, "casework/contact_list.html", {"family": family, "page": page})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    family = visible_family(request, pk)
    plan = CasePlan.objects.filter(family=family).first() or CasePlan(family=family)
    form = PlanForm(posted(request), instance=plan)
    if _submitted(
        request,
        form,
        lambda: services.save_plan(Actor.from_request(request), form.save(commit=False)),
    ):
        messages.success(request, _("The plan is saved."))
        return redirect(family.get_absolute_url() + "#plan")
    return _page(request, family, form, _("Strengths, needs and obstacles"))


@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    family = visible_family(request, pk)
    form = ActionForm(posted(request), family=family)
    if _submitted(
        request,
        form,
        lambda: services.save_action(Actor.from_request(request), _bind(form, family)),
    ):
        messages.success(request, _("The action is added to the plan."))
        return redirect(family.get_absolute_url() + "#actions")
    return _page(request, family, form, _("Add an action"))


@require_http_methods(["GET", "POST"])
def action_edit(request, pk, action_pk):
    family = visible_family(request, pk)
    action = get_object_or_404(family.actions, pk=action_pk)
    form = ActionForm(posted(request), instance=action, family=family)
    if _submitted(
        request,
        form,
        lambda: services.save_action(Actor.from_request(request), form.save(commit=False)),
    ):
        messages.success(request, _("The action is saved."))
        return redirect(family.get_absolute_url() + "#actions")
    return _page(request, family, form, _("Action"))


@require_POST
def action_done(request, pk, action_pk):
    """One tap from the family page: the action is done (htmx swaps the list)."""
    family = visible_family(request, pk)
    action = get_object_or_404(family.actions, pk=action_pk)
    action.status = "done"
    try:
        services.save_action(Actor.from_request(request), action)
    except CaseworkError as error:
        messages.error(request, str(error))
    if is_htmx(request):
        return render(
            request, "casework/_actions.html", {"family": family, **actions_panel(family)}
        )
    return redirect(family.get_absolute_url() + "#actions")


@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    family = visible_family(request, pk)
    form = ReviewForm(posted(request), family=family)
    if _submitted(
        request,
        form,
        lambda: services.record_review(Actor.from_request(request), _bind(form, family)),
    ):
        messages.success(request, _("The review is recorded."))
        return redirect(family.get_absolute_url() + "#review")
    reviews = family.reviews.select_related("author")
    return _page(
        request, family, form, _("Record a review"), "casework/review_form.html", reviews=reviews
    )


@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    family = visible_family(request, pk)
    form = ConsentForm(posted(request), family=family)
    if _submitted(
        request,
        form,
        lambda: services.record_consent(Actor.from_request(request), _bind(form, family)),
    ):
        messages.success(request, _("The consent is recorded."))
        return redirect(family.get_absolute_url() + "#consent")
    return _page(request, family, form, _("Record a consent"))


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    family = visible_family(request, pk)
    consent = get_object_or_404(family.consents, pk=consent_pk)
    form = WithdrawConsentForm(posted(request))
    if _submitted(
        request,
        form,
        lambda: services.withdraw_consent(
            Actor.from_request(request), consent, form.cleaned_data["withdrawn_on"]
        ),
    ):
        messages.success(request, _("The withdrawal is recorded."))
        return redirect(family.get_absolute_url() + "#consent")
    return _page(request, family, form, _("Withdraw: %(consent)s") % {"consent": consent})


@require_http_methods(["GET", "POST"])
def service_referral_create(request, pk):
    family = visible_family(request, pk)
    form = ServiceReferralForm(posted(request), family=family)
    if _submitted(
        request,
        form,
        lambda: services.refer_to_service(Actor.from_request(request), _bind(form, family)),
    ):
        messages.success(request, _("The referral is recorded."))
        return redirect(family.get_absolute_url() + "#services")
    return _page(request, family, form, _("Refer to a lawyer or service"))


@require_http_methods(["GET", "POST"])
def service_referral_edit(request, pk, referral_pk):
    family = visible_family(request, pk)
    referral = get_object_or_404(family.service_referrals, pk=referral_pk)
    form = ServiceReferralUpdateForm(posted(request), instance=referral)
    if request.method == "POST" and form.is_valid():
        services.update_service_referral(Actor.from_request(request), form.save(commit=False))
        messages.success(request, _("The referral is saved."))
        return redirect(family.get_absolute_url() + "#services")
    return _page(request, family, form, str(referral.provider))


@require_GET
@case_worker_required
def my_week(request):
    """What is overdue or due in the coming week, for the families this user may see."""
    today = timezone.localdate()
    families = Family.objects.visible_to(request.user)
    if request.user.has_role(Role.CASE_MANAGER) and not request.user.has_role(Role.COORDINATOR):
        families = families.filter(case_managers=request.user)
    items = due_items(families, today)
    record_listed(request, [item.family.pk for item in items])
    return render(
        request,
        "casework/my_week.html",
        {
            "overdue": [i for i in items if i.overdue(today)],
            "upcoming": [i for i in items if not i.overdue(today)],
            "by_case_manager": _by_case_manager(items, today)
            if request.user.has_role(Role.COORDINATOR)
            else None,
            "today": today,
        },
    )


def _by_case_manager(items, today) -> list[dict]:
    """A coordinator's week, one part per case manager (a file with two appears under both;
    one with none under "no case manager"), in one query for the files' case managers."""
    managers = defaultdict(list)
    links = Family.case_managers.through.objects.filter(
        family_id__in={i.family.pk for i in items}
    ).select_related("user")
    for link in links:
        managers[link.family_id].append(link.user)
    groups = defaultdict(list)
    for item in items:
        for user in managers.get(item.family.pk) or [None]:
            groups[user].append(item)
    ordered = sorted(groups, key=lambda u: (u is None, str(u or "")))
    return [
        {
            "case_manager": user,
            "overdue": [i for i in groups[user] if i.overdue(today)],
            "upcoming": [i for i in groups[user] if not i.overdue(today)],
        }
        for user in ordered
    ]


@require_http_methods(["GET", "POST"])
@case_worker_required
def calendar_settings(request):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar(request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("casework:calendar")
        token = services.new_calendar_token(request.user, translation.get_language())
    feed_url = (
        request.build_absolute_uri(reverse("casework:calendar_feed", args=[token]))
        if token
        else None
    )
    has_feed = hasattr(request.user, "calendar_feed") or token is not None
    return render(request, "casework/calendar.html", {"feed_url": feed_url, "has_feed": has_feed})


@login_not_required
@require_GET
def calendar_feed(request, token):
    """iCalendar of what is due, behind a revocable secret address. Case numbers, never names."""
    feed = services.calendar_feed_for(token)
    if feed is None:
        raise Http404
    user = feed.user
    today = timezone.localdate()
    families = Family.objects.visible_to(user)
    if user.has_role(Role.CASE_MANAGER) and not user.has_role(Role.COORDINATOR):
        families = families.filter(case_managers=user)
    record(Actor(user, client_ip(request)), AuditAction.EXPORT, feed)
    with translation.override(feed.language):
        calendar = _calendar(due_items(families, today, CALENDAR_HORIZON_DAYS))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="parcours.ics"'
    return response


def _calendar(items) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Parcours//due items//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Parcours")
    stamp = timezone.now()
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@parcours")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + datetime.timedelta(days=1))
        event.add("summary", f"{item.family.case_number} · {item.label}")
        calendar.add_component(event)
    return calendar


def _directory_organisations(user) -> set[int]:
    from parcours.projects.models import Project

    ids = user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR)
    return set(Project.objects.filter(pk__in=ids).values_list("organisation_id", flat=True))


@require_GET
@case_worker_required
def directory(request):
    providers = ServiceProvider.objects.filter(
        organisation_id__in=_directory_organisations(request.user)
    ).order_by("kind", "name")
    return render(request, "casework/directory.html", {"providers": providers})


@require_http_methods(["GET", "POST"])
@case_worker_required
def provider_edit(request, provider_pk=None):
    organisations = _directory_organisations(request.user)
    provider = (
        get_object_or_404(ServiceProvider, pk=provider_pk, organisation_id__in=organisations)
        if provider_pk
        else ServiceProvider(organisation_id=min(organisations))
    )
    form = ProviderForm(posted(request), instance=provider)
    if request.method == "POST" and form.is_valid():
        services.save_provider(Actor.from_request(request), form.save(commit=False))
        messages.success(request, _("The directory is saved."))
        return redirect("casework:directory")
    return render(request, "casework/provider_form.html", {"form": form, "provider": provider})
