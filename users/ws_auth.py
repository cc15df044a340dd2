"""Who is on the other end of a websocket: consumers call this with the access token the client sends
in its first message (never in the URL, where it would end up in proxy logs)."""

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from users.models import User


def authenticate_access_token(raw: str) -> User | None:
    """The signed-in user for a valid access token, or None (bad, expired, or account not allowed)."""
    if not raw or not isinstance(raw, str):
        return None
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    user = User.objects.filter(pk=token.get("user_id")).first()
    if user is None or user.status not in User.SIGN_IN_STATUSES:
        return None
    return user
