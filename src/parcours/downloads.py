"""What a downloaded file is called: what it holds, so that a folder of downloads reads like a
list (``plan-together_2025-h1_cohort_2026-12-04.xlsx``): lower-case words joined by dashes,
the parts by underscores, the day it was made last."""

from django.utils import timezone
from django.utils.text import slugify


def file_name(*parts: str, extension: str) -> str:
    words = [slugify(part) for part in parts if part and slugify(part)]
    return "_".join([*words, timezone.localdate().isoformat()]) + f".{extension}"


def attachment(name: str) -> str:
    """A Content-Disposition header for ``name`` (made by ``file_name``: plain ASCII)."""
    return f'attachment; filename="{name}"'
