"""A short-lived cache of the (session, user) pair behind access tokens, ended by writes.

Why: every API request with a bearer token loads its session and user (so logout, password change and
sanctions take effect at once). Through the ORM that is ~1.2 ms of a ~3 ms cached feed read; a cache
read is a fifth of that. "At once" is kept with epochs (core.epoch_cache) rather than a TTL: each
user has an epoch token; an entry is stored with the token read before the rows were loaded and is used only while the
token is unchanged. After commit, the epoch is replaced by every save or delete of the user or of one
of their sessions (signals, wired in UsersConfig.ready) and by the services that revoke sessions or
change the second factor with bulk `update()` (they call `auth_epochs_bump_after_commit`).

What an entry may show stale, for at most `AUTH_SESSION_CACHE_SECONDS`: the user's counters
(followers_count and the like, updated with F() expressions) and `last_login` on `request.user`.
With the setting at 0 (the default in tests) nothing is cached.
"""

from django.conf import settings

from core.epoch_cache import connect_write_receivers, epoch_cache_forget, epoch_cached, epochs_bump_after_commit

_NAMESPACE = "auth"


def _seconds() -> int:
    return int(getattr(settings, "AUTH_SESSION_CACHE_SECONDS", 0))


def auth_epochs_bump_after_commit(*user_ids) -> None:
    """End the cached sessions of these users once the current transaction commits."""
    epochs_bump_after_commit(_NAMESPACE, user_ids, seconds=_seconds())


def session_with_user(*, sid: str, user_id: str, load):
    """`load()` -> the UserSession with `.user` (or None), served from the cache while the epoch holds."""
    return epoch_cached(_NAMESPACE, owner_id=user_id, key=f"session:{sid}", seconds=_seconds(), build=load)


def session_forget(sid) -> None:
    """Drop one cached session (after its last-used time was written)."""
    if _seconds() > 0:
        epoch_cache_forget(_NAMESPACE, f"session:{sid}")


def _user_changed(sender, instance, **kwargs):
    auth_epochs_bump_after_commit(instance.pk)


def _session_changed(sender, instance, **kwargs):
    auth_epochs_bump_after_commit(instance.user_id)


def connect() -> None:
    from users.models import User, UserSession

    connect_write_receivers(((User, _user_changed), (UserSession, _session_changed)), uid="users.session_cache")
