"""Reads about accounts and relationships that every layer above uses to decide visibility.

Kept as small functions returning sets or querysets so callers can embed them in their own queries
(`.exclude(author_id__in=blocked_user_ids_subquery(viewer))`) without a query per row.
"""

from django.db.models import Q
from django.utils import timezone

from users.models import Block, Follow, Mute, User


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


def user_get_visible(*, viewer, lookup) -> User | None:
    """An account the viewer may see, by id or username; None when hidden (blocked, banned...)."""
    qs = User.objects.visible()
    user = None
    try:
        import uuid

        user = qs.filter(pk=uuid.UUID(str(lookup))).first()
    except ValueError:
        user = qs.filter(username__iexact=str(lookup)).first()
    if user is None:
        return None
    if not _is_anonymous(viewer) and user.pk != viewer.pk and is_blocked_between(viewer, user):
        return None
    return user
