"""The backup archive's outer seal: age (age-encryption.org/v1, X25519), through pyrage.

PARCOURS_BACKUP_KEY is an age secret key (``AGE-SECRET-KEY-1...``), or only its public half
(``age1...``): a server holding only the public half writes backups it cannot read, and the
secret half stays offline until a restore. The key is never one of the field keys.

A sealed archive is one line naming the public key it was sealed for, then the age file, so a
wrong key and a changed byte are told apart: age alone says "no matching key" for both.
"""

from pathlib import Path

import pyrage
from django.conf import settings
from pyrage import x25519

MAGIC = b"parcours-backup/1 "


class BackupError(Exception):
    """A backup refused or failed: the message tells the operator why, and what to do."""


def _configured(make: bool = False) -> str:
    """The configured key; outside production a backup (``make``) creates one under var/, a
    verify or restore never does."""
    text = (settings.PARCOURS_BACKUP_KEY or "").strip()
    if text:
        return text
    path = settings.VAR_DIR / "backup.key"
    if not make and not (path.exists() and not settings.PRODUCTION):
        raise BackupError(
            "PARCOURS_BACKUP_KEY is not set: set it to the secret backup key "
            "(AGE-SECRET-KEY-1...) from where you keep it"
            + ("." if settings.PRODUCTION else f", or put back {path}.")
        )
    if settings.PRODUCTION:
        raise BackupError(
            "PARCOURS_BACKUP_KEY is not set. Make one with `parcours generate-backup-key`, "
            "keep the secret line offline and give the server the public line "
            "(docs/operators.md, Backups)."
        )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(x25519.Identity.generate()) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def new_identity() -> tuple[str, str]:
    """A fresh backup key: (secret key, public key)."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def recipient() -> x25519.Recipient:
    """The public key backups are sealed for (from the secret key when that is configured)."""
    text = _configured(make=True)
    try:
        if text.upper().startswith("AGE-SECRET-KEY-"):
            return x25519.Identity.from_str(text.upper()).to_public()
        return x25519.Recipient.from_str(text)
    except (pyrage.IdentityError, pyrage.RecipientError, ValueError):
        raise BackupError(
            "PARCOURS_BACKUP_KEY is neither an age secret key (AGE-SECRET-KEY-1...) nor an age "
            "public key (age1...); make one with `parcours generate-backup-key`."
        ) from None


def identity() -> x25519.Identity:
    """The secret key that opens backups; a server holding only the public half cannot."""
    text = _configured()
    if not text.upper().startswith("AGE-SECRET-KEY-"):
        raise BackupError(
            "PARCOURS_BACKUP_KEY holds only a public key (age1...): it writes backups but "
            "cannot open them. Set it to the secret key (AGE-SECRET-KEY-1...) from where you "
            "keep it, for this command only."
        )
    try:
        return x25519.Identity.from_str(text.upper())
    except (pyrage.IdentityError, ValueError):
        raise BackupError("PARCOURS_BACKUP_KEY is not a valid age secret key.") from None


def seal(plain: Path, sealed: Path) -> None:
    """Encrypt ``plain`` into ``sealed`` for the configured public key."""
    public = recipient()
    with plain.open("rb") as source, sealed.open("wb") as target:
        target.write(MAGIC + str(public).encode() + b"\n")
        pyrage.encrypt_io(source, target, [public])


def unseal(sealed: Path, plain: Path) -> None:
    """Decrypt ``sealed`` into ``plain``, or raise BackupError saying whether the file is not a
    backup, was sealed for another key, or was changed or damaged (then ``plain`` is removed)."""
    secret = identity()
    mine = str(secret.to_public())
    with sealed.open("rb") as source:
        first = source.readline(200)
        if not first.startswith(MAGIC):
            raise BackupError(f"{sealed}: not a Parcours backup.")
        sealed_for = first[len(MAGIC) :].strip().decode("ascii", "replace")
        if sealed_for != mine:
            raise BackupError(
                f"{sealed}: sealed for another backup key ({_short(sealed_for)}); "
                f"PARCOURS_BACKUP_KEY is the key of {_short(mine)}. Nothing was read."
            )
        total = sealed.stat().st_size
        try:
            with plain.open("wb") as target:
                pyrage.decrypt_io(source, target, [secret])
        except (pyrage.DecryptError, OSError) as exc:
            done = plain.stat().st_size if plain.exists() else 0
            plain.unlink(missing_ok=True)
            raise BackupError(
                f"{sealed}: changed or damaged: its contents stop checking out after "
                f"{_size(done)} of {_size(total)} ({exc}). Nothing was restored; use another "
                "copy."
            ) from None


def _short(public: str) -> str:
    return public[:12] + "…" if len(public) > 12 else public


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"
