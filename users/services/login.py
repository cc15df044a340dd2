"""Signing in: credentials, the account-state rule, the optional second factor, then a session.

Login costs exactly one password hash whether or not the account exists (a dummy hash runs for
unknown logins), so response time does not tell which accounts exist.
"""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.exceptions import NotAuthenticated
from users.models import MfaChallenge, User, UserSession
from users.models.auth import sha256_hex
from users.services.access import account_state_error
from users.services.emails import account_email_send
from users.services.mfa import second_factor_verify
from users.services.sessions import session_start
from users.services.status import user_reactivate, user_suspension_lift_if_expired

_DUMMY_PASSWORD = "not-a-real-password-0f3a"


@dataclass
class LoginResult:
    user: User
    session: UserSession | None = None
    tokens: dict = field(default_factory=dict)
    mfa_token: str = ""

    @property
    def mfa_required(self) -> bool:
        return bool(self.mfa_token)


def user_find_by_login(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    return User.objects.filter(username__iexact=login).first()


def _invalid() -> NotAuthenticated:
    return NotAuthenticated("The login or password is wrong.", code="invalid_credentials")


def account_may_sign_in(user: User) -> None:
    """Raise the account-state error, after lifting a suspension that has ended."""
    if user.status == User.Status.SUSPENDED:
        user_suspension_lift_if_expired(user=user)
    # A self-deleted account within its grace period may come back: signing in cancels the deletion.
    if (
        user.status == User.Status.DEACTIVATED
        and user.anonymised_at is None
        and user.deletion_due_at
        and user.deletion_due_at > timezone.now()
    ):
        return
    error = account_state_error(user)
    if error is not None:
        raise error


def login_with_password(*, login: str, password: str, user_agent: str = "", ip: str | None = None) -> LoginResult:
    user = user_find_by_login(login)
    if user is None or not user.has_usable_password():
        make_password(_DUMMY_PASSWORD)  # the one hash, as for a real account
        raise _invalid()
    if not user.check_password(password or ""):
        raise _invalid()
    account_may_sign_in(user)
    return login_after_first_factor(user=user, method="password", user_agent=user_agent, ip=ip)


def login_after_first_factor(*, user: User, method: str, user_agent: str = "", ip: str | None = None) -> LoginResult:
    """The first factor passed (password or a social provider): ask for the second, or finish."""
    if user.two_factor_enabled:
        raw = secrets.token_urlsafe(32)
        MfaChallenge.objects.create(
            user=user,
            token_hash=sha256_hex(raw),
            method=method,
            expires_at=timezone.now() + settings.MFA_TOKEN_TTL,
        )
        return LoginResult(user=user, mfa_token=raw)
    return login_complete(user=user, method=method, user_agent=user_agent, ip=ip)


@transaction.atomic
def login_complete(*, user: User, method: str, user_agent: str = "", ip: str | None = None) -> LoginResult:
    """Every factor passed: cancel a pending deletion, open a session, alert on a new device."""
    if user.status == User.Status.DEACTIVATED and user.deletion_due_at:
        user_reactivate(user=user, by=user, reason="signed in during the deletion grace period")
    known_device = UserSession.objects.filter(user=user, user_agent=(user_agent or "")[:300], ip_address=ip).exists()
    first_login = not UserSession.objects.filter(user=user).exists()
    session, tokens = session_start(user=user, method=method, user_agent=user_agent, ip=ip)
    if not known_device and not first_login:
        account_email_send(
            user=user, template="new_login", context={"user_agent": user_agent, "ip": ip or "", "method": method}
        )
    return LoginResult(user=user, session=session, tokens=tokens)


def login_mfa_verify(*, mfa_token: str, code: str, user_agent: str = "", ip: str | None = None) -> LoginResult:
    """Second step: a TOTP or backup code against a live challenge. The challenge is single use."""
    challenge = (
        MfaChallenge.objects.select_related("user")
        .filter(token_hash=sha256_hex(mfa_token or ""), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if challenge is None:
        raise NotAuthenticated("This sign-in step expired. Start again.", code="mfa_token_invalid")
    user = challenge.user
    if second_factor_verify(user=user, code=code) is None:
        raise NotAuthenticated("That code is not valid.", code="mfa_code_invalid")
    claimed = MfaChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not claimed:
        raise NotAuthenticated("This sign-in step expired. Start again.", code="mfa_token_invalid")
    user.refresh_from_db()
    account_may_sign_in(user)
    return login_complete(user=user, method=challenge.method, user_agent=user_agent, ip=ip)
