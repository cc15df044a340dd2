"""Reads about accounts and relationships that every layer above uses to decide visibility.

Kept as small functions returning sets or querysets so callers can embed them in their own queries
(`.exclude(author_id__in=blocked_user_ids_subquery(viewer))`) without a query per row.
"""

import uuid

from django.db.models import Q
from django.utils import timezone

from users.models import ApiKey, Block, DataExport, Follow, Mute, User, UserSession


def _is_anonymous(viewer) -> bool:
    return viewer is None or not getattr(viewer, "is_authenticated", False)


def blocked_user_ids(*, viewer) -> set:
    """Ids of accounts the viewer blocked or that blocked the viewer (either way hides everything)."""
    if _is_anonymous(viewer):
        return set()
    rows = Block.objects.filter(Q(blocker=viewer) | Q(blocked=viewer)).values_list("blocker_id", "blocked_id")
    return {other for pair in rows for other in pair if other != viewer.pk}


def muted_user_ids(*, viewer) -> set:
    if _is_anonymous(viewer):
        return set()
    now = timezone.now()
    return set(
        Mute.objects.filter(muter=viewer)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("muted_id", flat=True)
    )


def is_blocked_between(a, b) -> bool:
    if _is_anonymous(a) or _is_anonymous(b):
        return False
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def is_muting(*, muter, muted) -> bool:
    if _is_anonymous(muter):
        return False
    now = timezone.now()
    return (
        Mute.objects.filter(muter=muter, muted=muted)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exists()
    )


def is_following(*, follower, following) -> bool:
    if _is_anonymous(follower):
        return False
    return Follow.objects.filter(follower=follower, following=following).exists()


def following_ids(*, user) -> set:
    if _is_anonymous(user):
        return set()
    return set(Follow.objects.filter(follower=user).values_list("following_id", flat=True))


def follower_ids_qs(*, user):
    """A values queryset of follower ids (ordered by edge id) for keyset-paginated fan-out."""
    return Follow.objects.filter(following=user).order_by("id").values_list("follower_id", flat=True)


def _by_id_or_username(qs, lookup):
    try:
        return qs.filter(pk=uuid.UUID(str(lookup))).first()
    except ValueError:
        return qs.filter(username__iexact=str(lookup)).first()


def user_get_visible(*, viewer, lookup) -> User | None:
    """An account the viewer may see, by id or username; None when hidden (blocked, banned...)."""
    user = _by_id_or_username(User.objects.visible(), lookup)
    if user is None:
        return None
    if not _is_anonymous(viewer) and user.pk != viewer.pk and is_blocked_between(viewer, user):
        return None
    return user


def user_get_blockable(*, viewer, lookup) -> User | None:
    """An account the viewer may block: any visible one, even one that already blocked the viewer
    (blocking back must work, and refusing it would reveal the other block)."""
    user = _by_id_or_username(User.objects.visible(), lookup)
    if user is None and not _is_anonymous(viewer):
        # Someone the viewer already blocked stays addressable for unblocking whatever their status.
        user = _by_id_or_username(User.objects.filter(blocks_received__blocker=viewer), lookup)
    return user


def user_search(*, viewer, query: str):
    """Visible accounts whose username or display name contains `query`, minus blocked ones."""
    qs = User.objects.visible().exclude(anonymised_at__isnull=False)
    query = (query or "").strip().lstrip("@")
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    if not _is_anonymous(viewer):
        qs = qs.exclude(blocks_made__blocked=viewer).exclude(blocks_received__blocker=viewer)
    return qs


def blocks_list(*, viewer):
    return Block.objects.filter(blocker=viewer).select_related("blocked")


def mutes_list(*, viewer):
    now = timezone.now()
    return (
        Mute.objects.filter(muter=viewer)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("muted")
    )


def sessions_list(*, user):
    return UserSession.objects.live().filter(user=user).order_by("-last_used_at", "-id")


def api_keys_list(*, user):
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True)


def data_exports_list(*, user):
    return DataExport.objects.filter(user=user)


def data_export_get(*, user, export_id) -> DataExport | None:
    try:
        return DataExport.objects.filter(user=user, pk=uuid.UUID(str(export_id))).first()
    except ValueError:
        return None
