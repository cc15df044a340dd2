"""The account status machine. Status (and role) change only here, each change recorded with who and why.

    pending_verification ──verify──▶ active
    pending/active ──suspend(until)──▶ suspended ──lift/unban──▶ active (or pending if unverified)
    any but banned ──ban──▶ banned ──unban──▶ active/pending
    pending/active/suspended ──deactivate──▶ deactivated ──reactivate──▶ active/pending
Suspension, ban and deactivation revoke every session (access tokens die with their session).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict, ValidationFailed
from users.models import AccountEvent, User, UserSession
from users.services.audit import account_event_record
from users.services.sessions import sessions_revoke_all

S = User.Status
ALLOWED = {
    S.PENDING_VERIFICATION: {S.ACTIVE, S.SUSPENDED, S.BANNED, S.DEACTIVATED},
    S.ACTIVE: {S.SUSPENDED, S.BANNED, S.DEACTIVATED},
    S.SUSPENDED: {S.ACTIVE, S.PENDING_VERIFICATION, S.SUSPENDED, S.BANNED, S.DEACTIVATED},
    S.BANNED: {S.ACTIVE, S.PENDING_VERIFICATION},
    S.DEACTIVATED: {S.ACTIVE, S.PENDING_VERIFICATION, S.BANNED},
}


def _locked(user: User) -> User:
    fresh = User.objects.select_for_update().get(pk=user.pk)
    return fresh


def _restored_status(user: User) -> str:
    return S.ACTIVE if user.email_verified_at else S.PENDING_VERIFICATION


def _transition(user: User, to: str, *, by: User | None, reason: str, **fields) -> User:
    """Move `user` to `to` under a row lock, set `fields`, and record the change. Caller is atomic."""
    locked = _locked(user)
    if to not in ALLOWED[locked.status]:
        raise Conflict(f"An account that is {locked.status} cannot become {to}.", code="invalid_transition")
    before = locked.status
    locked.status = to
    # Django's own switch follows the status, so the dashboard's cookie sessions (ModelBackend,
    # DRF SessionAuthentication) drop a suspended, banned or deactivated account too.
    locked.is_active = to in User.SIGN_IN_STATUSES
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "is_active", *fields.keys(), "updated_at"])
    data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items() if v is not None}
    account_event_record(
        user=locked, kind=AccountEvent.Kind.STATUS, actor=by, from_value=before, to_value=to, reason=reason, data=data
    )
    if to in (S.SUSPENDED, S.BANNED, S.DEACTIVATED):
        sessions_revoke_all(user=locked, reason=UserSession.RevokeReason.STATUS_CHANGED)
    # Callers keep using their instance: bring it up to date.
    user.status, user.is_active = locked.status, locked.is_active
    for name in fields:
        setattr(user, name, getattr(locked, name))
    return user


@transaction.atomic
def user_email_verify(*, user: User, by: User | None = None, reason: str = "") -> User:
    """Mark the email verified; a pending account becomes active. Idempotent."""
    locked = _locked(user)
    if locked.email_verified_at is None:
        locked.email_verified_at = timezone.now()
        locked.save(update_fields=["email_verified_at", "updated_at"])
        account_event_record(user=locked, kind=AccountEvent.Kind.EMAIL_VERIFIED, actor=by, reason=reason)
        user.email_verified_at = locked.email_verified_at
    if locked.status == S.PENDING_VERIFICATION:
        _transition(user, S.ACTIVE, by=by, reason=reason or "email verified")
    return user


@transaction.atomic
def user_suspend(*, user: User, by: User | None, until: datetime, reason: str) -> User:
    if until <= timezone.now():
        raise ValidationFailed("A suspension must end in the future.", errors={"until": ["Must be in the future."]})
    return _transition(user, S.SUSPENDED, by=by, reason=reason, suspended_until=until)


@transaction.atomic
def user_ban(*, user: User, by: User | None, reason: str) -> User:
    return _transition(user, S.BANNED, by=by, reason=reason, suspended_until=None)


@transaction.atomic
def user_unban(*, user: User, by: User | None, reason: str) -> User:
    """Lift a ban or a suspension early."""
    if user.status not in (S.BANNED, S.SUSPENDED):
        raise Conflict("This account is neither banned nor suspended.", code="invalid_transition")
    return _transition(user, _restored_status(user), by=by, reason=reason, suspended_until=None)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None, reason: str, deletion_due_at: datetime | None = None) -> User:
    return _transition(
        user, S.DEACTIVATED, by=by, reason=reason, deactivated_at=timezone.now(), deletion_due_at=deletion_due_at
    )


@transaction.atomic
def user_reactivate(*, user: User, by: User | None, reason: str) -> User:
    if user.status != S.DEACTIVATED or user.anonymised_at is not None:
        raise Conflict("Only a deactivated, not yet anonymised account can be reactivated.", code="invalid_transition")
    return _transition(user, _restored_status(user), by=by, reason=reason, deactivated_at=None, deletion_due_at=None)


@transaction.atomic
def user_suspension_lift_if_expired(*, user: User) -> bool:
    """Lift a suspension whose end has passed (the system is the actor). True when lifted."""
    locked = _locked(user)
    if locked.status != S.SUSPENDED or locked.suspended_until is None or locked.suspended_until > timezone.now():
        return False
    _transition(user, _restored_status(locked), by=None, reason="suspension ended", suspended_until=None)
    return True


def suspensions_lift_expired() -> int:
    """Beat task body: lift every suspension that has ended. Returns how many."""
    due = User.objects.filter(status=S.SUSPENDED, suspended_until__lte=timezone.now())
    return sum(user_suspension_lift_if_expired(user=u) for u in due.iterator())


@transaction.atomic
def user_role_set(*, user: User, role: str, by: User | None, reason: str) -> User:
    if role not in User.Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", errors={"role": ["Unknown role."]})
    locked = _locked(user)
    if locked.role == role:
        return user
    before, locked.role = locked.role, role
    locked.save(update_fields=["role", "updated_at"])
    account_event_record(
        user=locked, kind=AccountEvent.Kind.ROLE, actor=by, from_value=before, to_value=role, reason=reason
    )
    user.role = role
    return user
