"""Rate limits of the account endpoints (rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

Login is limited twice: per client IP (a password-spraying client) and per account named in the
request (a distributed guess at one account). The second-factor step is limited per mfa_token, so a
6-digit code cannot be brute-forced within the token's 5 minutes.
"""

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from core.throttling import FailOpenMixin, IPThrottle


class LoginIPThrottle(IPThrottle):
    scope = "login"


class RegisterThrottle(IPThrottle):
    scope = "register"


class PasswordResetThrottle(IPThrottle):
    scope = "password_reset"


class _RequestFieldThrottle(FailOpenMixin, SimpleRateThrottle):
    """Keyed by a (hashed, normalised) field of the request body; no key, no limit from this class."""

    field = ""

    def get_cache_key(self, request, view):
        try:
            value = request.data.get(self.field)
        except AttributeError:
            return None
        if not isinstance(value, str) or not value.strip():
            return None
        ident = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginAccountThrottle(_RequestFieldThrottle):
    """Per account, whichever of its names (email or username, any case) the request uses."""

    scope = "login_account"
    field = "login"

    def get_cache_key(self, request, view):
        from users.services.login import user_find_by_login

        try:
            value = request.data.get(self.field)
        except AttributeError:
            return None
        user = user_find_by_login(value) if isinstance(value, str) else None
        if user is None:
            return super().get_cache_key(request, view)
        return self.cache_format % {"scope": self.scope, "ident": f"user:{user.pk}"}


class MfaTokenThrottle(_RequestFieldThrottle):
    scope = "otp"
    field = "mfa_token"
