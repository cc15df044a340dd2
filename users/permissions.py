"""Permission classes other apps use for the account rules (verified, creator, moderator)."""

from rest_framework.permissions import BasePermission


class IsVerified(BasePermission):
    """Publishing, paying, streaming and advertising need a verified email address."""

    message = "Verify your email address before doing this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_email_verified)


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_moderator)
