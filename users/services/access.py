"""May this account act right now? One rule shared by login, token refresh, the API's
authentication classes and the websocket handshake."""

from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from users.models import User


def account_state_error(user: User) -> ApplicationError | None:
    """The error to answer for an account that may not sign in, or None when it may.

    Suspended and banned accounts get a 403 naming the state (and the end of a suspension); an
    expired suspension counts as lifted (callers lift it for the record). A deactivated account gets
    a 403 too; since this runs on every authenticated request, its tokens stop working at once.
    """
    status = user.status
    if status in User.SIGN_IN_STATUSES:
        return None
    if status == User.Status.SUSPENDED:
        until = user.suspended_until
        if until is not None and until <= timezone.now():
            return None
        when = until.isoformat() if until else "further notice"
        return PermissionDenied(
            f"This account is suspended until {when}.",
            code="account_suspended",
            errors={"status": ["suspended"], "suspended_until": [when]},
        )
    if status == User.Status.BANNED:
        return PermissionDenied("This account is banned.", code="account_banned", errors={"status": ["banned"]})
    return PermissionDenied(
        "This account is deactivated.", code="account_deactivated", errors={"status": ["deactivated"]}
    )
