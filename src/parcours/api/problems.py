"""Every error of the API as an RFC 9457 problem (application/problem+json): a title, the
status, a detail a person can act on, and for bad input one entry per wrong field, named as
the request named it ("members[1].birth_date"). Nothing a client sends gives a 500."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
}


class Problem(exceptions.APIException):
    """An error the views raise themselves, with the status and the field errors they name."""

    def __init__(self, status_code: int, detail: str, errors: list[dict] | None = None):
        self.status_code = status_code
        self.errors = errors or []
        super().__init__(detail)


def problem(status_code: int, detail: str, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


def flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail (or a Django form's errors) as a list of {field, detail}."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a list field's item
                out += flatten(value, f"{prefix}[{key}]")
                continue
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out += flatten(value, path)
    elif isinstance(detail, list | tuple):
        if all(isinstance(item, str) for item in detail):
            out += [{"field": prefix, "detail": str(item)} for item in detail]
        else:
            for index, item in enumerate(detail):
                out += flatten(item, f"{prefix}[{index}]")
    elif detail:
        out.append({"field": prefix, "detail": str(detail)})
    return out


def invalid(errors: list[dict]) -> Problem:
    summary = "; ".join(
        f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors
    )
    return Problem(
        status.HTTP_400_BAD_REQUEST, _("Some values are not valid: %s") % summary, errors
    )


def handler(exc, context):
    """DRF's exception handler: problems for everything a request can cause."""
    headers = {}
    if isinstance(exc, Http404):
        return problem(404, _("Not found."))
    if isinstance(exc, PermissionDenied):
        return problem(403, _("You may not do this."))
    if isinstance(exc, DjangoValidationError):
        return problem(400, " ".join(exc.messages), flatten(getattr(exc, "message_dict", [])))
    if isinstance(exc, Problem):
        return problem(exc.status_code, exc.detail, exc.errors)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        return problem(400, invalid(errors).detail, errors)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, exceptions.NotAuthenticated):
            detail = _("Send a token: Authorization: Bearer TOKEN.")
        else:
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem(exc.status_code, detail, headers=headers)
    return None
