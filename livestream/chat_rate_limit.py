"""Per-user chat rate limit: a token bucket (LIVE_CHAT_RATE_PER_SECOND, LIVE_CHAT_BURST) in the cache.

On Redis the whole read-refill-take step is one Lua script using the server's clock, so concurrent
sockets of one user on different daphne processes share one bucket without races or clock skew. The
local-memory cache (one process, laptops) does the same step under a process lock. If Redis is down the
limiter fails open (logged): chat stays up; slow mode and moderation still apply.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("socialflow.livestream.ratelimit")

_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return {allowed, tostring(retry)}
"""

_local_lock = threading.Lock()
_script = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0


def _redis_client():
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None


def chat_rate_limit_take(*, user_id) -> Decision:
    """Take one token from the user's bucket; `allowed=False` carries seconds until the next token."""
    rate, burst = settings.LIVE_CHAT_RATE_PER_SECOND, settings.LIVE_CHAT_BURST
    key = cache.make_key(f"livestream:chat-bucket:{user_id}")
    redis = _redis_client()
    if redis is not None:
        global _script
        try:
            if _script is None:
                _script = redis.register_script(_LUA)
            allowed, retry = _script(keys=[key], args=[rate, burst], client=redis)
        except Exception:
            logger.warning("chat rate limiter unavailable; allowing message", exc_info=True)
            return Decision(True)
        return Decision(bool(int(allowed)), float(retry))
    with _local_lock:
        now = time.monotonic()
        tokens, ts = cache.get(key) or (float(burst), now)
        tokens = min(burst, tokens + max(0.0, now - ts) * rate)
        if tokens >= 1:
            cache.set(key, (tokens - 1, now), timeout=int(burst / rate) + 1)
            return Decision(True)
        cache.set(key, (tokens, now), timeout=int(burst / rate) + 1)
        return Decision(False, (1 - tokens) / rate)
