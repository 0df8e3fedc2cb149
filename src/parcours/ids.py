"""Keys that arrive in the order they are made.

A random key (UUID version 4) lands anywhere in every index that holds it, so an import of
100 000 sheets, three million answers keyed by their sheet, writes all over those indexes;
a UUID version 7 (RFC 9562: the time in milliseconds, then 74 random bits) lands at their
end. It stays as hard to guess. Python 3.14's ``uuid.uuid7`` makes the same.
"""

import os
import time
import uuid

_MILLISECONDS = (1 << 48) - 1


def time_ordered_uuid() -> uuid.UUID:
    """A UUID version 7: 48 bits of Unix time in milliseconds, the version, 74 random bits."""
    milliseconds = time.time_ns() // 1_000_000 & _MILLISECONDS
    random = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 of them kept
    value = milliseconds << 80
    value |= 0x7 << 76  # version 7
    value |= (random >> 68) << 64  # 12 random bits
    value |= 0b10 << 62  # the RFC 9562 variant
    value |= random & ((1 << 62) - 1)  # 62 random bits
    return uuid.UUID(int=value)
