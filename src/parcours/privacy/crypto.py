"""Authenticated field encryption (AES-256-GCM) and keyed blind indexes.

A ciphertext reads ``v1:<key id>:<base64(nonce | ciphertext+tag)>``. The associated data is
``table/column/row id``: a value copied into another row, column or table fails to decrypt,
so stored values cannot be swapped between families.
"""

import base64
import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag

from parcours.privacy.keys import key_id, keyring

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, wrong row, or tampering."""


def associated_data(table: str, column: str, row_id: object) -> bytes:
    return f"{table}/{column}/{row_id}".encode()


def encrypt(plaintext: str, aad: bytes) -> str:
    kid, cipher = keyring().primary_cipher
    nonce = os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode(), aad)
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{kid}:{body}"


def decrypt(token: str, aad: bytes) -> str:
    try:
        prefix, kid, body = token.split(":", 2)
    except ValueError:
        raise DecryptionError("not a Parcours ciphertext") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown ciphertext version {prefix!r}")
    cipher = keyring().ciphers.get(kid)
    if cipher is None:
        raise DecryptionError(f"no key with id {kid} is configured")
    raw = base64.urlsafe_b64decode(body)
    try:
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
    except InvalidTag:
        raise DecryptionError("the value does not belong here or was altered") from None


FILE_MAGIC = b"PARCOURS1"


def encrypt_bytes(data: bytes, aad: bytes) -> bytes:
    """Binary form for files: magic, key id, nonce, then ciphertext with its tag."""
    kid, cipher = keyring().primary_cipher
    nonce = os.urandom(NONCE_BYTES)
    return FILE_MAGIC + kid.encode() + nonce + cipher.encrypt(nonce, data, aad)


def decrypt_bytes(blob: bytes, aad: bytes) -> bytes:
    if not blob.startswith(FILE_MAGIC):
        raise DecryptionError("not a Parcours file")
    head = len(FILE_MAGIC)
    kid, nonce = blob[head : head + 8].decode(), blob[head + 8 : head + 8 + NONCE_BYTES]
    cipher = keyring().ciphers.get(kid)
    if cipher is None:
        raise DecryptionError(f"no key with id {kid} is configured")
    try:
        return cipher.decrypt(nonce, blob[head + 8 + NONCE_BYTES :], aad)
    except InvalidTag:
        raise DecryptionError("the file does not belong here or was altered") from None


def file_is_current(blob: bytes) -> bool:
    return blob[len(FILE_MAGIC) : len(FILE_MAGIC) + 8] == key_id(keyring().primary).encode()


def is_current(token: str) -> bool:
    """True when ``token`` is sealed with the primary key (rotation skips those)."""
    return token.startswith(f"{PREFIX}:{key_id(keyring().primary)}:")


# Letters that Unicode does not decompose into a base letter and an accent, written as the
# base letter, as a clerk who has no such key on the keyboard writes them: Turkish dotless i
# ("Yilmaz" finds the name written with it), Polish l with a stroke, Danish o with a stroke,
# ash, ethel, eth, thorn, and the apostrophes that stand for a straight one.
UNDECOMPOSED = str.maketrans(
    {
        "\u0131": "i", "\u0142": "l", "\u0141": "l", "\u00f8": "o", "\u00d8": "o",
        "\u0111": "d", "\u0110": "d", "\u0127": "h", "\u0126": "h", "\u0167": "t",
        "\u0166": "t", "\u00e6": "ae", "\u00c6": "ae", "\u0153": "oe", "\u0152": "oe",
        "\u00f0": "d", "\u00d0": "d", "\u00fe": "th", "\u00de": "th", "\u02bc": "'",
        "\u2019": "'",
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """Fold case, accents and spacing so 'Élodie  DUPONT' finds 'elodie dupont'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.translate(UNDECOMPOSED).casefold().split())


def blind_index(text: str, purpose: str) -> str:
    """A keyed hash for exact search: equal inputs give equal digests, nothing else leaks."""
    message = f"{purpose}\x00{normalise(text)}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()[:32]
