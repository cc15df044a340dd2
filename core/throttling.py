"""Throttles by scope, backed by the cache (Redis in production).

Client identity comes from DRF's `get_ident`, which honours `NUM_PROXIES`: only the address appended
by our own proxies counts, so a client rotating a forged X-Forwarded-For is still one client.
If the cache is down, throttling fails open (logged) rather than turning every request into a 500:
availability of the API matters more than a rate limit during a Redis outage.
"""

import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("socialflow.throttling")


class FailOpenMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("throttle cache unavailable; allowing request", exc_info=True)
            return True


class ScopedThrottle(FailOpenMixin, SimpleRateThrottle):
    """Per-user when signed in, per-IP otherwise. Subclass and set `scope`."""

    def get_cache_key(self, request, view):
        if request.user is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class IPThrottle(FailOpenMixin, SimpleRateThrottle):
    """Always per client IP, signed in or not (login, registration, password reset)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonBurstThrottle(ScopedThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user is not None and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class UserBurstThrottle(ScopedThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
