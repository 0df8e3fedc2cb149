"""The pages around the API: a person's tokens (Account → API tokens) and a coordinator's
webhooks with their deliveries. They call the same services as the command and the API."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.accounts.models import Role
from parcours.api import tokens
from parcours.api.forms import TokenForm, WebhookForm
from parcours.notify import webhooks
from parcours.notify.models import Webhook
from parcours.privacy.audit import Actor
from parcours.projects.models import Project


def _verified(request) -> None:
    """Tokens are made only in a session signed in with both factors, where those are required."""
    if settings.PARCOURS_REQUIRE_2FA and not request.user.is_verified():
        raise Http404


@require_http_methods(["GET", "POST"])
def tokens_page(request):
    _verified(request)
    user = request.user
    allowed = sorted(tokens.allowed_scopes(user))
    projects = Project.objects.filter(memberships__user=user).exclude(
        memberships__user=user, memberships__role=Role.ADMINISTRATOR
    )
    form = TokenForm(request.POST or None, scopes=allowed, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = tokens.issue(
                Actor.from_request(request),
                user,
                data["name"],
                data["scopes"],
                data["project"],
                data["expires_days"],
            )
        except tokens.TokenError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return render(request, "api/token_made.html", {"token": token, "secret": secret})
    visible = tokens.visible_tokens(user)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "allowed": allowed,
            "own": visible.filter(user=user),
            "team": visible.exclude(user=user).filter(revoked_at=None),
        },
    )


@require_POST
def revoke_token(request, pk):
    """By its owner, or by a coordinator of a project its owner works in."""
    token = get_object_or_404(tokens.visible_tokens(request.user), pk=pk)
    tokens.revoke(Actor.from_request(request), token)
    messages.success(
        request, _("“%(name)s” is revoked: it is refused from now on.") % {"name": token.name}
    )
    return redirect("api:tokens")


def _coordinated(user):
    return Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR), network=False)


@require_http_methods(["GET", "POST"])
def webhook_list(request):
    projects = _coordinated(request.user)
    if not projects:
        raise Http404
    form = WebhookForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hook, secret = webhooks.subscribe(
                Actor.from_request(request),
                data["project"],
                data["url"],
                data["events"],
                data["deadline_days"],
            )
        except webhooks.AddressRefused as error:
            form.add_error("url", str(error))
        else:
            return render(request, "api/webhook_made.html", {"hook": hook, "secret": secret})
    hooks = Webhook.objects.filter(project__in=projects).select_related("project")
    return render(request, "api/webhooks.html", {"form": form, "hooks": hooks})


@require_http_methods(["GET", "POST"])
def webhook_detail(request, pk):
    hook = get_object_or_404(
        Webhook.objects.filter(project__in=_coordinated(request.user)).select_related("project"),
        pk=pk,
    )
    if request.method == "POST":
        actor = Actor.from_request(request)
        if request.POST.get("do") == "resume":
            webhooks.resume(actor, hook)
            messages.success(request, _("The webhook sends again."))
            return redirect("api:webhook_detail", pk=hook.pk)
        if request.POST.get("do") == "delete":
            webhooks.unsubscribe(actor, hook)
            messages.success(request, _("The webhook is deleted: nothing more is sent."))
            return redirect("api:webhook_list")
    attempts = hook.attempts.select_related("message")[:100]
    return render(request, "api/webhook.html", {"hook": hook, "attempts": attempts})
