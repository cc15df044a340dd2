"""Reads of the notifications app. Every function takes the viewer and returns only their rows."""

import uuid

from django.db.models import CharField, Count, F, Max, Q, Window
from django.db.models.functions import Cast, RowNumber

from core.exceptions import NotFound
from notifications.catalogue import NotificationType, spec_for
from notifications.models import Notification, NotificationSettings, PushDevice
from notifications.targets import display_kind

GROUP_ACTORS_SHOWN = 3


def notification_list(*, viewer, type_: str | None = None, unread: bool | None = None, box=Notification.Box.INBOX):
    qs = Notification.objects.filter(recipient=viewer, box=box).select_related("actor")
    if type_:
        qs = qs.filter(type=type_)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


def notification_get(*, viewer, notification_id, box=Notification.Box.INBOX) -> Notification:
    """The viewer's own notification; anyone else's (or a bad id) is NotFound, never PermissionDenied."""
    try:
        pk = uuid.UUID(str(notification_id))
    except ValueError:
        raise NotFound("Notification not found.") from None
    n = Notification.objects.filter(recipient=viewer, box=box, pk=pk).select_related("actor").first()
    if n is None:
        raise NotFound("Notification not found.")
    return n


def unread_count(*, viewer) -> int:
    return Notification.objects.filter(recipient=viewer).inbox().unread().count()


def notification_group_list(*, viewer, type_: str | None = None, unread: bool | None = None):
    """One row per group_key: {group_key, latest_id, count, unread_count}; paginated by -latest_id."""
    return (
        notification_list(viewer=viewer, type_=type_, unread=unread)
        .select_related(None)
        .order_by()
        .values("group_key")
        .annotate(
            # PostgreSQL has no max(uuid); the text form of a UUIDv7 sorts the same way as the id.
            latest_id=Max(Cast("id", output_field=CharField())),
            count=Count("id"),
            unread_count=Count("id", filter=Q(read_at__isnull=True)),
        )
    )


def _group_text(*, type_, actors, count, latest) -> str:
    spec = spec_for(type_)
    verb = spec.verb.format(kind=display_kind(latest))
    if not actors:
        label = verb or NotificationType(type_).label
        return label if count == 1 else f"{label} ({count})"
    first = actors[0].name
    others = count - 1
    if others <= 0:
        return f"{first} {verb}"
    return f"{first} and {others} other{'s' if others != 1 else ''} {verb}"


def notification_groups_expand(*, viewer, rows: list[dict]) -> list[dict]:
    """Attach to each group row its latest notification, latest actors and display text (two queries)."""
    if not rows:
        return []
    latest_ids = {r["group_key"]: uuid.UUID(r["latest_id"]) for r in rows}
    latest = {n.pk: n for n in Notification.objects.filter(pk__in=latest_ids.values()).select_related("actor")}
    ranked = (
        Notification.objects.filter(
            recipient=viewer, box=Notification.Box.INBOX, group_key__in=[r["group_key"] for r in rows]
        )
        .filter(actor__isnull=False)
        .annotate(rank=Window(RowNumber(), partition_by=[F("group_key")], order_by=F("id").desc()))
        .filter(rank__lte=GROUP_ACTORS_SHOWN * 2)  # some headroom for an actor appearing twice
        .select_related("actor")
        .order_by("group_key", "-id")
    )
    actors_by_group: dict[str, list] = {}
    for n in ranked:
        group = actors_by_group.setdefault(n.group_key, [])
        if len(group) < GROUP_ACTORS_SHOWN and all(a.pk != n.actor_id for a in group):
            group.append(n.actor)
    out = []
    for r in rows:
        n = latest[latest_ids[r["group_key"]]]
        actors = actors_by_group.get(r["group_key"], [])
        out.append(
            {
                "group_key": r["group_key"],
                "type": n.type,
                "count": r["count"],
                "unread_count": r["unread_count"],
                "actors": actors,
                "latest": n,
                "text": _group_text(type_=n.type, actors=actors, count=r["count"], latest=n),
            }
        )
    return out


def notification_settings_for(*, viewer) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=viewer).first() or NotificationSettings(user=viewer)


def push_device_list(*, viewer):
    return PushDevice.objects.filter(user=viewer, is_active=True).order_by("-id")
