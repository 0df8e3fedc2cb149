"""Where the encryption and blind-index keys come from.

Keys never derive from SECRET_KEY and never live in the database. Production reads them from
the environment (PARCOURS_ENCRYPTION_KEYS, newest first; PARCOURS_BLIND_INDEX_KEY;
PARCOURS_AUDIT_KEY). Elsewhere a
key file under var/ is made on first use so that ``make run`` works on a fresh machine.
"""

import base64
import binascii
import functools
import hashlib
import json
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


def new_key() -> str:
    """A fresh random 256-bit key, URL-safe base64 (the form the settings expect)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: a key is not URL-safe base64") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name}: a key must be {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def key_id(raw: bytes) -> str:
    """A short public fingerprint naming a key inside each ciphertext."""
    return hashlib.sha256(b"parcours-key-id" + raw).hexdigest()[:8]


@dataclass(frozen=True)
class KeyRing:
    encryption_keys: tuple[bytes, ...]  # first one encrypts; all of them decrypt
    blind_index_key: bytes
    audit_key: bytes  # chains the audit trail's rows

    @property
    def primary(self) -> bytes:
        return self.encryption_keys[0]

    def by_id(self) -> dict[str, bytes]:
        return {key_id(k): k for k in self.encryption_keys}

    @functools.cached_property
    def ciphers(self) -> dict[str, AESGCM]:
        """One AES-GCM object per key id, made once: a report decrypts 360 000 values."""
        return {kid: AESGCM(key) for kid, key in self.by_id().items()}

    @functools.cached_property
    def primary_cipher(self) -> tuple[str, AESGCM]:
        kid = key_id(self.primary)
        return kid, self.ciphers[kid]


def holds_ciphertext() -> bool:
    """Whether any encrypted column of the database holds a value."""
    from django.apps import apps
    from django.db import connection

    from parcours.privacy.fields import EncryptedTextField

    tables = set(connection.introspection.table_names())  # none yet before the first migrate
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        for name in encrypted:
            if (
                model._base_manager.exclude(**{name: ""})
                .exclude(**{f"{name}__isnull": True})
                .exists()
            ):
                return True
    return False


def _from_key_file() -> dict:
    path = settings.PARCOURS_KEY_FILE
    if not path.exists():
        if holds_ciphertext():
            raise ImproperlyConfigured(
                f"The key file {path} is missing, but the database holds encrypted data that only "
                "its keys can read. Put the key file back from your backup (docs/operators.md, "
                "Keys); a new key would leave that data unreadable. To start afresh instead, "
                "delete the database too."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"encryption_keys": [new_key()], "blind_index_key": new_key()}, indent=2)
        )
        path.chmod(0o600)
    data = json.loads(path.read_text())
    if "audit_key" not in data:  # a key file from before the audit chain
        data["audit_key"] = new_key()
        path.write_text(json.dumps(data, indent=2))
    return data


@functools.cache
def keyring() -> KeyRing:
    enc = list(settings.PARCOURS_ENCRYPTION_KEYS)
    blind = settings.PARCOURS_BLIND_INDEX_KEY
    audit = settings.PARCOURS_AUDIT_KEY
    if not enc or not blind or not audit:
        if settings.PRODUCTION:
            raise ImproperlyConfigured(
                "PARCOURS_ENCRYPTION_KEYS, PARCOURS_BLIND_INDEX_KEY and PARCOURS_AUDIT_KEY must "
                "be set in production"
            )
        stored = _from_key_file()
        enc = enc or stored["encryption_keys"]
        blind = blind or stored["blind_index_key"]
        audit = audit or stored["audit_key"]
    return KeyRing(
        encryption_keys=tuple(decode_key(k, "PARCOURS_ENCRYPTION_KEYS") for k in enc),
        blind_index_key=decode_key(blind, "PARCOURS_BLIND_INDEX_KEY"),
        audit_key=decode_key(audit, "PARCOURS_AUDIT_KEY"),
    )
