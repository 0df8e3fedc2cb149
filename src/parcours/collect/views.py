"""Parcours as an OpenRosa server (ODK Collect, Enketo), and the page where a person connects
and revokes their phones.

The OpenRosa endpoints take no session: each request carries the person's user name and their
phone's token (HTTP Basic, over HTTPS), and reaches only the token's project.
"""

import base64
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from segno import make as make_qr

from parcours.accounts.lockout import PHONE_TOKEN, cooloff_minutes, token_paused, token_refused
from parcours.accounts.models import Role
from parcours.collect import contacts, openrosa, services
from parcours.collect.forms import DeviceForm
from parcours.collect.models import DeviceToken
from parcours.instruments.models import InstrumentCode, InstrumentVersion
from parcours.privacy.audit import Actor, record_listed, record_security
from parcours.privacy.models import AuditAction
from parcours.projects.models import Project

REALM = "Parcours"


def _openrosa(body: bytes, status: int = 200, content_type: str = "text/xml; charset=utf-8"):
    response = HttpResponse(body, status=status, content_type=content_type)
    response["X-OpenRosa-Version"] = "1.0"
    response["X-OpenRosa-Accept-Content-Length"] = str(openrosa.MAX_SUBMISSION_BYTES)
    response["Content-Language"] = get_language()
    response["Date"] = http_date()
    return response


def _message(text: str, status: int, nature: str = ""):
    return _openrosa(openrosa.response(text, nature), status=status)


def _credentials(request) -> tuple[str, str]:
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return "", ""
    username, _sep, token = decoded.partition(":")
    return username, token


def phone_endpoint(view):
    """An OpenRosa endpoint: HTTPS in production, the phone's credentials (else 401 with the
    Basic challenge Collect answers), the token's own project (else 404). The view gets the
    device; ``request.user`` is its owner, so audit and visibility work as on any page."""

    @functools.wraps(view)
    def wrapped(request, project, *args, **kwargs):
        if settings.PRODUCTION and not request.is_secure():
            return _message(_("Phones connect to Parcours over HTTPS only."), 403)
        username, token = _credentials(request)
        if username and token_paused(request, PHONE_TOKEN):
            response = _message(
                _("Too many wrong tokens from this address; try again in %(minutes)s minutes.")
                % {"minutes": cooloff_minutes()},
                429,
            )
            response["Retry-After"] = str(cooloff_minutes() * 60)
            return response
        device = services.authenticate(username, token)
        if device is None:
            if username:  # Collect's first request has no credentials: not a failure
                acting = Actor.from_request(request)
                token_refused(request, PHONE_TOKEN)
                record_security(acting, AuditAction.LOGIN_FAILED)
                services.tell_of_refusals(project, username, acting)
            response = _message(_("Sign in with your user name and your phone's token."), 401)
            response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
            return response
        if device.project.slug != project:
            return _message(_("This phone is connected to another project."), 404)
        request.user = device.user
        device.touch()
        return view(request, device, *args, **kwargs)

    # CSRF-exempt: a phone proves itself with the token in each request's Authorization
    # header; it holds no session cookie a forged cross-site request could ride on.
    return csrf_exempt(login_not_required(wrapped))


def _url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _version(device: DeviceToken, code: str) -> InstrumentVersion:
    if code not in InstrumentCode.values:
        raise Http404
    return InstrumentVersion.objects.active(code, device.project)


def _xform(version: InstrumentVersion) -> bytes:
    return openrosa.device_xform(version.pk, bytes(version.xlsx)).encode()


def _form_xml(device: DeviceToken, code: str) -> bytes:
    """The XForm of one of the project's forms: an instrument, or the Contact form."""
    if code == contacts.CONTACT:
        return openrosa.device_xform(f"{code}-{contacts.version()}", contacts.xlsform()).encode()
    return _xform(_version(device, code))


@require_http_methods(["GET", "HEAD"])
@phone_endpoint
def form_list(request, device):
    """The project's forms in use (the three instruments, in the versions it chose)."""
    wanted = request.GET.get("formID")
    slug = device.project.slug
    entries = []
    forms = [
        (code, str(label), _version(device, code).version) for code, label in InstrumentCode.choices
    ]
    forms.append((contacts.CONTACT, _("Contact"), contacts.version()))
    for code, label, version in forms:
        if wanted and wanted != code:
            continue
        entries.append(
            openrosa.FormEntry(
                form_id=code,
                name=label,
                version=version,
                hash=openrosa.md5(_form_xml(device, code)),
                download_url=_url(request, "collect:form", slug, code),
                manifest_url=_url(request, "collect:manifest", slug, code),
            )
        )
    return _openrosa(openrosa.form_list(entries))


@require_http_methods(["GET", "HEAD"])
@phone_endpoint
def form(request, device, code):
    return _openrosa(_form_xml(device, code))


@require_http_methods(["GET", "HEAD"])
@phone_endpoint
def manifest(request, device, code):
    _form_xml(device, code)  # 404 for a form Parcours does not serve
    data = openrosa.caseload_csv(openrosa.caseload(device.user, device.project))
    url = _url(request, "collect:caseload", device.project.slug)
    return _openrosa(openrosa.manifest([(openrosa.CASELOAD, openrosa.md5(data), url)]))


@require_http_methods(["GET", "HEAD"])
@phone_endpoint
def caseload(request, device):
    """The case numbers the phone offers; each download is in the families' audit trails."""
    families = openrosa.caseload(device.user, device.project)
    record_listed(request, [f.pk for f in families])
    return _openrosa(openrosa.caseload_csv(families), content_type="text/csv; charset=utf-8")


@require_http_methods(["HEAD", "POST"])
@phone_endpoint
def submission(request, device):
    """A filled sheet, as ODK Collect and Enketo post it (multipart, ``xml_submission_file``).
    Our forms ask for no photo or sound, so other parts of the post are not kept."""
    if request.method == "HEAD":
        return _openrosa(b"", status=204)
    sheet = request.FILES.get("xml_submission_file")
    if sheet is None:
        return _message(_("The post holds no xml_submission_file."), 400, "submit_error")
    if sheet.size > openrosa.MAX_SUBMISSION_BYTES:
        return _message(_("The sheet is too large."), 413, "submit_error")
    try:
        created = services.receive(
            Actor.from_request(request), device, sheet.read(), get_language() or "en"
        )
    except openrosa.SubmissionError as error:
        return _message(str(error), error.status, "submit_error")
    text = _("Sheet received.") if created else _("This sheet was received already.")
    return _message(text, 201, "submit_success")


def _collecting_projects(user):
    return Project.objects.filter(pk__in=user.project_ids(*services.COLLECTING_ROLES))


def _team_devices(user):
    """Phones a coordinator may revoke: those of their projects."""
    return DeviceToken.objects.filter(project_id__in=user.project_ids(Role.COORDINATOR))


@require_http_methods(["GET", "POST"])
def devices(request):
    """Connect a phone (its token shown once, with the QR code Collect scans), and the list of
    the person's phones, with the team's for coordinators."""
    projects = _collecting_projects(request.user)
    if not projects:
        raise Http404
    form = DeviceForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data["project"]
        try:
            device, token = services.issue(
                Actor.from_request(request), request.user, project, form.cleaned_data["name"]
            )
        except services.DeviceError as error:
            form.add_error("name", str(error))
        else:
            server = request.build_absolute_uri(services.server_path(project))
            code = services.collect_settings(server, device, token)
            # segno draws only paths from the encoded settings: no text reaches the markup.
            qr = mark_safe(make_qr(code, error="l").svg_inline(scale=3, dark="#1d232a"))
            return render(
                request,
                "collect/device_added.html",
                {
                    "device": device,
                    "server": server,
                    "token": token,
                    "qr": qr,
                },
            )
    team = (
        _team_devices(request.user)
        .exclude(user=request.user)
        .filter(revoked_at=None)
        .select_related("user", "project")
    )
    return render(
        request,
        "collect/devices.html",
        {
            "form": form,
            "own": request.user.device_tokens.select_related("project"),
            "team": team,
        },
    )


@require_POST
def revoke(request, device_pk):
    """A lost or replaced phone: by its owner, or by a coordinator of its project."""
    device = get_object_or_404(
        DeviceToken.objects.filter(pk__in=request.user.device_tokens.values("pk"))
        | _team_devices(request.user),
        pk=device_pk,
    )
    services.revoke(Actor.from_request(request), device)
    messages.success(
        request,
        _("“%(name)s” is disconnected: it can no longer fetch forms or send sheets.")
        % {"name": device.name},
    )
    return redirect("collect:devices")
