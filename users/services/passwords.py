"""Password change and reset. Either one signs out every session and emails the owner."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exceptions import ValidationFailed
from users.models import AccountEvent, OneTimeToken, User, UserSession
from users.services.audit import account_event_record
from users.services.emails import account_email_send
from users.services.registration import one_time_token_consume, one_time_token_issue, password_validate
from users.services.sessions import sessions_revoke_all


def _password_set(user: User, new_password: str, *, kind: str, how: str) -> None:
    try:
        password_validate(new_password, user=user)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, errors={"new_password": exc.errors["password"]}) from None
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    sessions_revoke_all(user=user, reason=UserSession.RevokeReason.PASSWORD_CHANGED)
    account_event_record(user=user, kind=kind, actor=user)
    account_email_send(user=user, template="password_changed", context={"how": how})


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password or ""):
        raise ValidationFailed("The current password is wrong.", errors={"current_password": ["Wrong password."]})
    if current_password == new_password:
        raise ValidationFailed(
            "Choose a different password.", errors={"new_password": ["Same as the current password."]}
        )
    _password_set(user, new_password, kind=AccountEvent.Kind.PASSWORD_CHANGED, how="changed in settings")


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Email a reset link if an account that may sign in has this address. Says nothing either way."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or user.anonymised_at is not None or user.status == User.Status.BANNED:
        return
    raw = one_time_token_issue(user=user, purpose=OneTimeToken.Purpose.PASSWORD_RESET, ttl=settings.PASSWORD_RESET_TTL)
    account_email_send(user=user, template="password_reset", context={"token": raw})


@transaction.atomic
def password_reset_confirm(*, token: str, new_password: str) -> User:
    user = one_time_token_consume(raw=token, purpose=OneTimeToken.Purpose.PASSWORD_RESET)
    if user is None:
        raise ValidationFailed("This link is invalid or expired.", errors={"token": ["Invalid or expired token."]})
    # A weak password raises here and the rollback leaves the link unused, so the person can retry.
    _password_set(user, new_password, kind=AccountEvent.Kind.PASSWORD_RESET, how="reset by email link")
    return user
