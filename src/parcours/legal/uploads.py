"""Checking an upload by its content, not its name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = [
    ("application/pdf", (b"%PDF-",), (".pdf",)),
    ("image/png", (b"\x89PNG\r\n\x1a\n",), (".png",)),
    ("image/jpeg", (b"\xff\xd8\xff",), (".jpg", ".jpeg")),
]


def sniff(head: bytes) -> str | None:
    for content_type, magics, _extensions in SIGNATURES:
        if any(head.startswith(m) for m in magics):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_upload(upload) -> str:
    """The file's real type; raises ValidationError for a wrong, unknown or too large file."""
    limit = settings.PARCOURS_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    name = upload.name.lower()
    expected = {ext: t for t, _m, exts in SIGNATURES for ext in exts} | {".webp": "image/webp"}
    extension = next((ext for ext in expected if name.endswith(ext)), None)
    if found is None or extension is None:
        raise ValidationError(_("Upload a PDF, PNG, JPEG or WebP file."))
    if expected[extension] != found:
        raise ValidationError(_("The file is not what its name says."))
    return found
