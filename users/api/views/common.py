"""Request facts the account views pass to services (client address, device)."""

from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from users.models import ApiKey, UserSession


def client_ip(request) -> str | None:
    """The client address as our own proxies saw it (honours NUM_PROXIES, like the throttles)."""
    return BaseThrottle().get_ident(request) or None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def current_session_id(request):
    return request.auth.pk if isinstance(request.auth, UserSession) else None


class NotApiKey(BasePermission):
    """Account security (keys, sessions, passwords, 2FA) is for the person, not for their bots."""

    message = "API keys cannot manage the account; sign in instead."

    def has_permission(self, request, view):
        return not isinstance(request.auth, ApiKey)
