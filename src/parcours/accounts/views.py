"""Signing in with two factors, setting up the second one, and the account page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from parcours.accounts import twofactor
from parcours.accounts.forms import CodeForm, SignInForm
from parcours.accounts.middleware import SIGNED_IN_AT, renew
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if settings.PARCOURS_OIDC_ONLY and settings.PARCOURS_OIDC_ISSUER:
            # Only the organisation's account signs in here: no password is even tried.
            return HttpResponse(status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[SIGNED_IN_AT] = timezone.now().timestamp()
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        elif twofactor.required():
            return redirect("accounts:two_factor_setup")
        return response


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Scan the code, type the six digits it shows, keep the recovery codes."""
    user = request.user
    if user.is_verified():
        return redirect("accounts:account")
    if twofactor.enrolled_device(user):
        # A session begun without its code (before the second factor was required, or while
        # the device was set up elsewhere): it must sign in again, with the code.
        logout(request)
        return redirect("login")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(Actor.from_request(request), device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", _("That code is not the one the app shows now. Try the next one."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_for_typing(device),
        },
    )


@require_http_methods(["GET", "POST"])
def account(request):
    """The person's own security: second factor, recovery codes, password."""
    device = twofactor.enrolled_device(request.user)
    recovery = request.user.recoverycodes_set.first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device and twofactor.verify(request.user, form.cleaned_data["code"]) == device:
            codes = twofactor.new_recovery_codes(request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", _("That code is not the one the app shows now. Try the next one."))
    return render(
        request,
        "accounts/account.html",
        {
            "device": device,
            "remaining": recovery.remaining if recovery else 0,
            "form": form,
            "idle_minutes": settings.PARCOURS_SESSION_IDLE_MINUTES,
            "max_hours": settings.PARCOURS_SESSION_MAX_HOURS,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends the person's other sessions (Django's session hash); this one
    stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_security(Actor.from_request(self.request), AuditAction.PASSWORD_CHANGED, form.user)
        messages.success(
            self.request, _("Your password is changed; your other sessions have ended.")
        )
        return response


@require_GET
def keep_alive(request):
    """The page's "Stay signed in" button: a request that renews the idle limit at once."""
    renew(request)
    return HttpResponse(status=204)


@login_not_required
@require_POST
def choose_language(request):
    """The language menu: Django's own switch, and for someone signed in the choice kept on
    their account, since mails and reminders are written to them in it."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and chosen in dict(settings.LANGUAGES) and user.language != chosen:
        user.language = chosen
        user.save(update_fields=["language"])
    return response
