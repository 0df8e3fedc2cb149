"""Check the translation catalogues: complete in every language, and compiled from their sources.

Run by ``make test`` (``python -m parcours.i18n_check``). Needs GNU gettext's msgfmt.
"""

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def problems() -> list[str]:
    found = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        language = po.parts[-3]
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "django.mo"
            result = subprocess.run(
                ["msgfmt", "--check", "--statistics", "-o", str(fresh), str(po)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                found.append(f"{po}: msgfmt failed: {result.stderr.strip()}")
                continue
            if language != "en" and ("untranslated" in result.stderr or "fuzzy" in result.stderr):
                found.append(f"{po}: incomplete: {result.stderr.strip()}")
            committed = po.with_suffix(".mo")
            if not committed.exists() or _catalog(committed) != _catalog(fresh):
                found.append(f"{committed}: stale; run `make messages`")
    if not found and not list(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        found.append(f"no catalogues under {LOCALE_DIR}")
    return found


def main() -> int:
    issues = problems()
    for line in issues:
        print(line, file=sys.stderr)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
