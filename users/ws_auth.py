"""Who is on the other end of a websocket: consumers call this with the access token the client sends
in its first message (never in the URL, where it would end up in proxy logs)."""

from core.exceptions import ApplicationError
from users.models import User
from users.services.sessions import access_token_authenticate


def authenticate_access_token(raw: str) -> User | None:
    """The signed-in user for a valid access token, or None (bad or expired token, session revoked,
    account not allowed to sign in) — the same checks as the REST API's authentication."""
    if not raw or not isinstance(raw, str):
        return None
    try:
        user, _session = access_token_authenticate(raw)
    except ApplicationError:
        return None
    return user
