"""The pages of single sign-on: off to the provider, back from it, Parcours' code when the
provider did not ask for a second factor, the provider's back-channel logout, and signing
out of both."""

import logging
import urllib.parse

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError

from parcours.accounts import twofactor
from parcours.accounts.forms import CodeForm
from parcours.privacy.audit import Actor, record_security
from parcours.privacy.models import AuditAction
from parcours.sso import logout_tokens, provider, services
from parcours.sso.flow import NEXT, RECHECKING, redirect_to_provider
from parcours.sso.models import Factor, ProviderLink

log = logging.getLogger(__name__)


def _configured(view):
    def wrapped(request, *args, **kwargs):
        if not provider.configured():
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_not_required
@require_GET
@_configured
def start(request):
    """The sign-in page's button."""
    return redirect_to_provider(request, request.GET.get("next", ""))


@login_not_required
@require_GET
@_configured
def callback(request):
    """Back from the provider: its answer checked (state, PKCE, the ID token's signature,
    issuer, audience, expiry and nonce, by Authlib), then the account it names."""
    actor = Actor(None, Actor.from_request(request).ip_address, "sso:callback")
    rechecking = request.session.pop(RECHECKING, None)
    next_url = request.session.pop(NEXT, "") or reverse(settings.LOGIN_REDIRECT_URL)
    try:
        token = provider.client().authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise OAuthError(description="no ID token")
        if "email" not in claims:  # some providers keep it for the UserInfo endpoint
            claims.update(_userinfo(token, claims["sub"]))
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        if rechecking and request.user.is_authenticated:
            return _recheck_failed(request, error)
        log.info("single sign-on refused: %s", error)
        record_security(_page(actor, "sso:invalid"), AuditAction.LOGIN_FAILED)
        return _refusal(request, "invalid", status=400)
    except Exception as error:  # the provider unreachable, or answering nonsense
        log.warning("single sign-on failed: %s", error)
        return _refusal(request, "unreachable", status=502)

    if rechecking and request.user.is_authenticated:
        return _rechecked(request, claims, token, next_url)
    try:
        link = services.account_for(actor, claims)
    except services.Refused as refused:
        return _refusal(request, "inactive" if str(refused) == "sso:inactive" else "unknown")
    services.remember(link, token)
    step = services.second_factor(link, claims)
    sid = str(claims.get("sid") or "")
    if step == "code":
        request.session[services.SESSION_PENDING] = {
            "link": str(link.pk),
            "sid": sid,
            "next": next_url,
            "at": timezone.now().timestamp(),
        }
        return redirect("sso:code")
    services.complete(request, link, Factor.PARCOURS if step == "enrol" else step, sid)
    if step == "enrol":
        return redirect("accounts:two_factor_setup")
    return redirect(next_url)


def _userinfo(token, subject: str) -> dict:
    """The e-mail claims from the provider's UserInfo endpoint, taken only if they are about
    the person the ID token names (OpenID Connect Core 5.3.2)."""
    info = provider.client().userinfo(token=token)
    if info.get("sub") != subject:
        raise OAuthError(description="UserInfo is about another person")
    return {k: info[k] for k in ("email", "email_verified") if k in info}


def _page(actor: Actor, page: str) -> Actor:
    return Actor(actor.user, actor.ip_address, page)


def _refusal(request, reason: str, status: int = 403):
    return render(
        request,
        "sso/refused.html",
        {"reason": reason, "label": _label()},
        status=status,
    )


def _label() -> str:
    return settings.PARCOURS_OIDC_LABEL or _("Sign in with your organisation's account")


def _rechecked(request, claims, token, next_url):
    """A silent re-check (prompt=none) came back: the same person, still known there."""
    link = ProviderLink.objects.filter(pk=request.session.get(services.SESSION_LINK)).first()
    if link is None or (link.issuer, link.subject) != (claims.get("iss"), claims.get("sub")):
        return _recheck_failed(request, "another person")
    services.remember(link, token)
    request.session[services.SESSION_SEEN] = timezone.now().timestamp()
    return redirect(next_url)


def _recheck_failed(request, error):
    """The provider no longer signs this person in: the session ends, with a word why."""
    log.info("single sign-on re-check ended a session: %s", error)
    user = request.user
    logout(request)
    record_security(Actor(None, None, "sso:recheck"), AuditAction.SSO_ENDED, user)
    messages.info(
        request, _("Your organisation's sign-in has ended. Sign in again to go on working.")
    )
    return redirect("login")


@login_not_required
@require_http_methods(["GET", "POST"])
@_configured
def code(request):
    """The provider did not say a second factor was used: Parcours asks for its own code."""
    pending = request.session.get(services.SESSION_PENDING)
    fresh = pending and timezone.now().timestamp() - pending["at"] < services.PENDING_MINUTES * 60
    link = fresh and ProviderLink.objects.select_related("user").filter(pk=pending["link"]).first()
    if not link or not link.user.is_active:
        request.session.pop(services.SESSION_PENDING, None)
        messages.info(request, _("That took too long; sign in again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(link.user, form.cleaned_data["code"])
        if device is not None:
            del request.session[services.SESSION_PENDING]
            services.complete(request, link, Factor.PARCOURS, pending["sid"], device=device)
            return redirect(pending["next"])
        user_login_failed.send(
            sender=__name__, credentials={"username": link.user.username}, request=request
        )
        form.add_error("code", _("That code is not the one the app shows now. Try the next one."))
    return render(request, "sso/code.html", {"form": form, "label": _label()})


@login_not_required
@csrf_exempt  # the provider's server posts here, signed (the logout token), with no session
@require_POST
@_configured
def backchannel_logout(request):
    """OpenID Connect Back-Channel Logout 1.0: the provider says a session ended there."""
    try:
        claims = logout_tokens.verify(request.POST.get("logout_token", ""))
    except logout_tokens.Invalid as error:
        log.info("back-channel logout refused: %s", error)
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    services.end_provider_sessions(claims["iss"], claims.get("sub"), claims.get("sid"))
    response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def sign_out(request):
    """Out of Parcours, with the provider's own sign-out offered (RP-initiated logout)."""
    signed_in_there = bool(request.session.get(services.SESSION_LINK))
    logout(request)
    end_session = ""
    if signed_in_there and provider.configured():
        try:
            endpoint = provider.metadata().get("end_session_endpoint", "")
        except Exception:  # the provider unreachable: Parcours' own sign-out still holds
            endpoint = ""
        if endpoint:
            query = urllib.parse.urlencode(
                {
                    "client_id": settings.PARCOURS_OIDC_CLIENT_ID,
                    "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
                }
            )
            end_session = f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
    if not end_session:
        return redirect("login")
    return render(request, "sso/signed_out.html", {"end_session": end_session})
