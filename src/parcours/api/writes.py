"""Writes that are safe to repeat and never overwrite unseen.

- Every object answers with an ``ETag``: its version for edited records (the same version the
  edit pages lock on), a digest of its representation for the others.
- ``PATCH`` needs ``If-Match`` with that ETag: 428 without it, 412 when someone saved since.
- ``POST`` takes an ``Idempotency-Key``: the first answer is kept with a digest of the body and
  replayed for the same key (``Idempotent-Replayed: true``), creating nothing; another body or
  another endpoint under the same key is 422.
"""

import datetime
import functools
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from parcours.api.models import IdempotentRequest
from parcours.api.problems import Problem
from parcours.versioning import StaleEdit

_KEPT_HEADERS = ("ETag", "Location")


def etag(obj, data=None) -> str:
    version = getattr(obj, "version", None)
    if isinstance(version, int):
        return f'"v{version}"'
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f'W/"{digest[:32]}"'


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag(obj, response.data)
    return response


def expected_version(request, obj) -> int:
    """The version ``If-Match`` names, checked against ``obj``'s: 428 or 412 otherwise."""
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise Problem(
            428,
            _("Send If-Match with the ETag you read, so no one else's change is overwritten."),
        )
    if given.startswith("W/"):
        given = given[2:]
    current = etag(obj)
    if given != current and given != "*":
        raise Problem(
            412,
            _("Someone saved this since you read it (now %(etag)s); read it again.")
            % {"etag": current},
        )
    return obj.version


def saving(save):
    """Run ``save()``; a save over a newer version under the row lock is 412 too."""
    try:
        return save()
    except StaleEdit:
        raise Problem(412, _("Someone saved this since you read it; read it again.")) from None


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def idempotent(handler):
    """For a view's ``post``: the whole request and its kept answer in one transaction."""

    @functools.wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise Problem(400, _("An Idempotency-Key has at most 255 characters."))
        kept_since = timezone.now() - datetime.timedelta(
            hours=settings.PARCOURS_API_IDEMPOTENCY_HOURS
        )
        digest = _digest(request)
        try:
            with transaction.atomic():
                earlier = (
                    IdempotentRequest.objects.select_for_update()
                    .filter(token=request.auth, key=key, created_at__gte=kept_since)
                    .first()
                )
                if earlier is not None:
                    return _replay(earlier, request, digest)
                IdempotentRequest.objects.filter(token=request.auth, key=key).delete()
                kept = IdempotentRequest.objects.create(
                    token=request.auth,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    body_hash=digest,
                )
                response = handler(view, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    transaction.set_rollback(True)  # an error is not kept: it may be retried
                    return response
                kept.status = response.status_code
                kept.response = json.loads(json.dumps(response.data, default=str))
                kept.headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
                kept.save(update_fields=["status", "response", "headers"])
                return response
        except IntegrityError:
            # Another request with the same key committed first: answer as it did.
            earlier = IdempotentRequest.objects.get(token=request.auth, key=key)
            return _replay(earlier, request, digest)

    return wrapped


def _replay(earlier: IdempotentRequest, request, digest: str) -> Response:
    if earlier.body_hash != digest or earlier.path != request.path[:300]:
        raise Problem(
            422,
            _("This Idempotency-Key was used for another request; use a new key for this one."),
        )
    if earlier.status is None:
        raise Problem(409, _("The first request with this Idempotency-Key is still running."))
    response = Response(earlier.response, status=earlier.status, headers=earlier.headers)
    response["Idempotent-Replayed"] = "true"
    return response
