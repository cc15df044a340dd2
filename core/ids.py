"""Time-ordered UUIDs (RFC 9562 version 7 layout).

The first 48 bits are the Unix time in milliseconds, so ids sort by creation and new rows land at the
right edge of the primary-key index instead of scattering across it (as random UUIDv4 keys do).
Python 3.11 has no uuid.uuid7, hence this small generator.
"""

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> uuid.UUID:
    """A UUIDv7; ids made by one process are strictly increasing, even within one millisecond."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # 12-bit counter seeded randomly (upper half clear) so it has room to increase.
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        else:
            # Same millisecond (or the clock stepped back): keep order by bumping the counter,
            # borrowing the next millisecond when it overflows.
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64
    value |= 0b10 << 62  # variant
    value |= rand_b
    return uuid.UUID(int=value)


def uuid7_time_ms(value: uuid.UUID) -> int:
    """The creation time (ms since the epoch) encoded in a UUIDv7."""
    return value.int >> 80
