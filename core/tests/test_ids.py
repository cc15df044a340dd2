import time
import uuid

from core.ids import uuid7, uuid7_time_ms


def test_uuid7_has_version_and_variant():
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_is_strictly_increasing_within_a_millisecond():
    values = [uuid7() for _ in range(5000)]
    assert values == sorted(values)
    assert len(set(values)) == 5000


def test_uuid7_encodes_creation_time():
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= uuid7_time_ms(value) <= after


def test_uuid7_sorts_by_creation_across_milliseconds():
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert str(first) < str(second)
