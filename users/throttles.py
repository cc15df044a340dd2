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
    scope = "login_account"
    field = "login"


class MfaTokenThrottle(_RequestFieldThrottle):
    scope = "otp"
    field = "mfa_token"
