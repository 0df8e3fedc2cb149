"""Several uploaded files kept as one sealed upload until the worker loads them, byte for byte
(a file's digest is part of what the network checks)."""

import base64
import json


def pack(files: list[tuple[str, bytes]]) -> bytes:
    return json.dumps([[name, base64.b64encode(data).decode()] for name, data in files]).encode()


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    return [(name, base64.b64decode(text)) for name, text in json.loads(data)]
