"""Files kept sealed on disk, outside the web root, under random names.

Each file is encrypted whole (AES-256-GCM) with its own storage key bound in as associated data,
so bytes moved to another name do not decrypt. Only an authorised view ever serves them.
"""

import secrets
from pathlib import Path

from django.conf import settings

from parcours.privacy.crypto import decrypt_bytes, encrypt_bytes, file_is_current


def _root() -> Path:
    root = Path(settings.PARCOURS_FILE_ROOT)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _path(key: str) -> Path:
    if not key.isalnum():
        raise ValueError("not a storage key")
    return _root() / key[:2] / key


def store(data: bytes) -> str:
    """Seal ``data`` and return its storage key."""
    key = secrets.token_hex(24)
    path = _path(key)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    path.write_bytes(encrypt_bytes(data, key.encode()))
    path.chmod(0o600)
    return key


def load(key: str) -> bytes:
    return decrypt_bytes(_path(key).read_bytes(), key.encode())


def delete(key: str) -> None:
    _path(key).unlink(missing_ok=True)


def rotate() -> int:
    """Re-seal every stored file not sealed with the primary key; returns how many."""
    count = 0
    for path in sorted(_root().glob("*/*")):
        blob = path.read_bytes()
        if not file_is_current(blob):
            aad = path.name.encode()
            path.write_bytes(encrypt_bytes(decrypt_bytes(blob, aad), aad))
            count += 1
    return count
