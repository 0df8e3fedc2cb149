"""Sheet keys in the order they are made (UUID version 7), still unguessable."""

import time
import uuid

from parcours.ids import time_ordered_uuid


def test_keys_are_version_7_and_follow_the_clock():
    first = time_ordered_uuid()
    time.sleep(0.002)
    later = [time_ordered_uuid() for _ in range(50)]
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert all(first < key for key in later)
    assert all(first.hex < key.hex for key in later)  # as SQLite stores them: text
    milliseconds = first.int >> 80
    assert abs(milliseconds - time.time_ns() // 1_000_000) < 5_000


def test_keys_made_in_one_millisecond_still_differ_by_74_random_bits():
    keys = {time_ordered_uuid() for _ in range(10_000)}
    assert len(keys) == 10_000
    randoms = {key.int & ((1 << 62) - 1) for key in keys}
    assert len(randoms) == 10_000
