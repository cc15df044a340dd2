"""Login sessions and their JWTs: issue, rotate (with reuse detection), revoke.

A session is one refresh-token family. Rotation keeps exactly one live refresh token per family
(`current_jti`). The rotation reads that column under a row lock, so of two concurrent refreshes with
the same token exactly one sees its jti still current; the other sees a rotated token, which is what a
thief replaying a copied token looks like, and the whole family is revoked. The revocation is
committed before the error is raised (a rollback would undo it).
"""

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

from core.exceptions import NotAuthenticated, NotFound
from users.models import AccountEvent, User, UserSession
from users.services.access import account_state_error
from users.services.audit import account_event_record
from users.services.session_cache import auth_epochs_bump_after_commit, session_forget, session_with_user
from users.tokens import SessionAccessToken, SessionRefreshToken

USER_AGENT_MAX = 300


def _clip_ua(user_agent: str | None) -> str:
    return (user_agent or "")[:USER_AGENT_MAX]


def _token_pair(session: UserSession) -> dict:
    refresh = SessionRefreshToken()
    refresh["user_id"] = str(session.user_id)
    refresh["sid"] = str(session.pk)
    access = SessionAccessToken()
    access["user_id"] = str(session.user_id)
    access["sid"] = str(session.pk)
    session.current_jti = refresh["jti"]
    session.expires_at = timezone.now() + api_settings.REFRESH_TOKEN_LIFETIME
    return {"access": str(access), "refresh": str(refresh)}


@transaction.atomic
def session_start(*, user: User, method: str = "password", user_agent: str = "", ip: str | None = None):
    """Open a session (a new token family) for a user who has fully signed in. Returns (session, pair)."""
    session = UserSession(user=user, method=method, user_agent=_clip_ua(user_agent), ip_address=ip or None)
    pair = _token_pair(session)
    session.save(force_insert=True)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return session, pair


def _decode_refresh(raw: str) -> SessionRefreshToken:
    try:
        token = SessionRefreshToken(raw)
    except TokenError:
        raise NotAuthenticated("The refresh token is invalid or expired.", code="token_invalid") from None
    if not token.get("sid") or not token.get("jti"):
        raise NotAuthenticated("The refresh token is invalid or expired.", code="token_invalid")
    return token


@transaction.atomic
def _rotate(sid: str, jti: str, user_agent: str, ip: str | None):
    session = UserSession.objects.select_for_update(of=("self",)).select_related("user").filter(pk=sid).first()
    now = timezone.now()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        return "revoked", None, None
    if session.current_jti != jti:
        session.revoked_at = now
        session.revoke_reason = UserSession.RevokeReason.TOKEN_REUSE
        session.save(update_fields=["revoked_at", "revoke_reason", "updated_at"])
        account_event_record(
            user=session.user,
            kind=AccountEvent.Kind.TOKEN_REUSE,
            reason="a rotated refresh token was presented again",
            data={"session": str(session.pk), "ip": ip or ""},
        )
        return "reused", session, None
    error = account_state_error(session.user)
    if error is not None:
        return error, session, None
    pair = _token_pair(session)
    session.generation += 1
    session.last_used_at = now
    session.user_agent = _clip_ua(user_agent) or session.user_agent
    session.ip_address = ip or session.ip_address
    session.save(
        update_fields=[
            "current_jti",
            "generation",
            "expires_at",
            "last_used_at",
            "user_agent",
            "ip_address",
            "updated_at",
        ]
    )
    return "ok", session, pair


def session_refresh(*, raw_refresh: str, user_agent: str = "", ip: str | None = None) -> tuple[UserSession, dict]:
    """Exchange a refresh token for a new pair; the presented token dies. Reuse revokes the family."""
    token = _decode_refresh(raw_refresh)
    outcome, session, pair = _rotate(str(token["sid"]), str(token["jti"]), user_agent, ip)
    if outcome == "ok":
        return session, pair
    if outcome == "reused":
        raise NotAuthenticated(
            "This refresh token was already used. The session was signed out for safety.", code="token_reused"
        )
    if outcome == "revoked":
        raise NotAuthenticated("This session has ended. Sign in again.", code="session_revoked")
    raise outcome


@transaction.atomic
def session_revoke(*, session: UserSession, reason: str = UserSession.RevokeReason.LOGOUT) -> bool:
    updated = UserSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason, updated_at=timezone.now()
    )
    auth_epochs_bump_after_commit(session.user_id)
    return bool(updated)


def session_logout(*, user: User, raw_refresh: str) -> None:
    """Revoke the session a refresh token belongs to (the caller's own only)."""
    token = _decode_refresh(raw_refresh)
    session = UserSession.objects.filter(pk=token["sid"], user=user).first()
    if session is None:
        raise NotFound("No such session.")
    session_revoke(session=session, reason=UserSession.RevokeReason.LOGOUT)


def session_delete(*, user: User, session_id) -> None:
    """Sign out one of the user's own sessions; anyone else's is a 404."""
    session = UserSession.objects.filter(pk=session_id, user=user, revoked_at__isnull=True).first()
    if session is None:
        raise NotFound("No such session.")
    session_revoke(session=session, reason=UserSession.RevokeReason.REVOKED)


@transaction.atomic
def sessions_revoke_all(
    *, user: User, reason: str = UserSession.RevokeReason.LOGOUT_ALL, by: User | None = None, record: bool = False
) -> int:
    """Revoke every live session of `user`. Access tokens stop working at their next request."""
    now = timezone.now()
    count = UserSession.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason=reason, updated_at=now
    )
    auth_epochs_bump_after_commit(user.pk)
    if record:
        account_event_record(
            user=user, kind=AccountEvent.Kind.SESSIONS_REVOKED, actor=by, reason=reason, data={"count": count}
        )
    return count


SESSION_TOUCH_SECONDS = 300


def access_token_authenticate(raw: str) -> tuple[User, UserSession]:
    """The user and live session behind an access token, in one query; raises when refused.

    Refused: a bad or expired token (401), a revoked or expired session (401, so logout, password
    change and sanctions take effect at once), a deactivated account (401), a suspended or banned one
    (403 naming the state). An ended suspension is lifted on the way.
    """
    from users.services.status import user_suspension_lift_if_expired

    try:
        token = SessionAccessToken(raw)
    except TokenError:
        raise NotAuthenticated("The access token is invalid or expired.", code="token_invalid") from None
    sid = token.get("sid")
    if not sid:
        raise NotAuthenticated("The access token is invalid or expired.", code="token_invalid")
    session = session_with_user(
        sid=str(sid),
        user_id=str(token.get("user_id")),
        load=lambda: UserSession.objects.select_related("user").filter(pk=sid).first(),
    )
    if session is None or str(session.user_id) != str(token.get("user_id")):
        raise NotAuthenticated("The access token is invalid or expired.", code="token_invalid")
    user = session.user
    error = account_state_error(user)
    if error is not None:
        raise error
    if user.status == User.Status.SUSPENDED:
        user_suspension_lift_if_expired(user=user)
    if not session.is_live:
        raise NotAuthenticated("This session has ended. Sign in again.", code="session_revoked")
    now = timezone.now()
    if (now - session.last_used_at).total_seconds() > SESSION_TOUCH_SECONDS:
        UserSession.objects.filter(pk=session.pk).update(last_used_at=now)
        session.last_used_at = now
        session_forget(session.pk)
    return user, session


def auth_records_purge(*, older_than=None) -> int:
    """Delete what can no longer be used: ended sessions, spent or expired one-time tokens and
    second-factor challenges (kept `older_than`, default 30 days, for the sessions page and support)."""
    from datetime import timedelta

    from django.db.models import Q

    from users.models import MfaChallenge, OneTimeToken

    cutoff = timezone.now() - (older_than or timedelta(days=30))
    now = timezone.now()
    removed = UserSession.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()[0]
    removed += OneTimeToken.objects.filter(expires_at__lt=now).delete()[0]
    removed += MfaChallenge.objects.filter(expires_at__lt=now).delete()[0]
    return removed
