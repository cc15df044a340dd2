"""Reads: which streams a viewer may see and watch, chat history, moderators, analytics.

Visibility follows the content app's rule: a hidden stream (host banned or gone, blocked either way,
followers-only for a non-follower, cancelled for anyone but the host) does not exist (404). A
subscribers-only stream is listed to everyone as a teaser, but its playback URL and chat are only for
paid-up subscribers at `min_tier` or above (payments.selectors.subscription_grants_access).
"""

import uuid
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.exceptions import NotFound
from livestream.models import ChatMessage, ChatSanction, Stream, StreamDonation, StreamModerator, ViewerSession
from payments.selectors import subscribed_creator_tiers, subscription_grants_access
from users.models import User
from users.selectors import blocked_user_ids, following_ids, is_blocked_between, is_following


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def stream_visible_q(viewer) -> Q:
    visible = Q(host__status__in=User.VISIBLE_STATUSES) & ~Q(status=Stream.Status.CANCELLED)
    if not _signed_in(viewer):
        return visible & ~Q(visibility=Stream.Visibility.FOLLOWERS)
    followed = following_ids(user=viewer)
    visible &= ~Q(visibility=Stream.Visibility.FOLLOWERS) | Q(host_id__in=followed)
    blocked = blocked_user_ids(viewer=viewer)
    if blocked:
        visible &= ~Q(host_id__in=blocked)
    return visible | Q(host_id=viewer.pk)


def _base_qs():
    return Stream.objects.select_related("host", "min_tier", "pinned_message__user")


def stream_list(*, viewer, status: str | None = None, host=None):
    qs = _base_qs().filter(stream_visible_q(viewer))
    if status:
        qs = qs.filter(status=status)
    if host is not None:
        qs = qs.filter(host=host)
    return qs


def stream_get_visible(*, viewer, id) -> Stream:
    """The stream if the viewer may see it; NotFound otherwise (hidden is indistinguishable from absent)."""
    try:
        pk = uuid.UUID(str(id))
    except ValueError:
        raise NotFound("Stream not found.") from None
    stream = stream_list(viewer=viewer).filter(pk=pk).first()
    if stream is None:
        raise NotFound("Stream not found.")
    return stream


def stream_get_for_host(*, host, id) -> Stream:
    stream = stream_get_visible(viewer=host, id=id)
    if stream.host_id != host.pk:
        raise NotFound("Stream not found.")
    return stream


def stream_can_watch(*, viewer, stream: Stream) -> bool:
    """May the viewer play the video and read the chat (a visible stream may still be a teaser)?"""
    if _signed_in(viewer) and viewer.pk == stream.host_id:
        return True
    if stream.host.status not in User.VISIBLE_STATUSES or stream.status == Stream.Status.CANCELLED:
        return False
    if _signed_in(viewer) and is_blocked_between(viewer, stream.host):
        return False
    if stream.visibility == Stream.Visibility.PUBLIC:
        return True
    if stream.visibility == Stream.Visibility.FOLLOWERS:
        return is_following(follower=viewer, following=stream.host)
    return subscription_grants_access(fan=viewer, creator=stream.host, min_tier=stream.min_tier)


def stream_watchable_ids(*, viewer, streams) -> set:
    """Batch form of stream_can_watch for a page of visible streams (two queries, not one per row)."""
    streams = list(streams)
    if not streams:
        return set()
    signed_in = _signed_in(viewer)
    tiers = subscribed_creator_tiers(fan=viewer) if signed_in else {}
    followed = (
        following_ids(user=viewer)
        if signed_in and any(s.visibility == Stream.Visibility.FOLLOWERS for s in streams)
        else set()
    )

    def may_watch(s) -> bool:
        if (signed_in and s.host_id == viewer.pk) or s.visibility == Stream.Visibility.PUBLIC:
            return True
        if s.visibility == Stream.Visibility.FOLLOWERS:
            return s.host_id in followed
        best = tiers.get(s.host_id)
        return best is not None and (s.min_tier is None or best >= s.min_tier.price_amount)

    return {s.pk for s in streams if may_watch(s)}


def stream_is_moderator(*, stream: Stream, user) -> bool:
    """Host, appointed moderators and platform moderators may moderate a stream's chat."""
    if not _signed_in(user):
        return False
    if user.pk == stream.host_id or user.is_moderator:
        return True
    return StreamModerator.objects.filter(stream=stream, user=user).exists()


def stream_moderator_list(*, stream: Stream):
    return StreamModerator.objects.filter(stream=stream).select_related("user").order_by("id")


def chat_active_sanction(*, stream: Stream, user) -> ChatSanction | None:
    if not _signed_in(user):
        return None
    return ChatSanction.objects.active().filter(stream=stream, user=user).order_by("-expires_at").first()


def chat_message_list(*, viewer, stream: Stream):
    """Visible chat history, newest first (the API's cursor pages it with `?before=`)."""
    qs = ChatMessage.objects.filter(stream=stream).select_related("user")
    if _signed_in(viewer):
        blocked = blocked_user_ids(viewer=viewer)
        if blocked:
            qs = qs.exclude(user_id__in=blocked)
    return qs


def stream_analytics(*, stream: Stream) -> dict:
    """Audience numbers for the host: live counters plus aggregates over sessions and donations."""
    sessions = ViewerSession.objects.filter(stream=stream)
    watch = sessions.aggregate(
        unique=Count("viewer_key", distinct=True),
        signed_in=Count("user", distinct=True),
        sessions=Count("id"),
    )
    watched = sessions.aggregate(
        total=Sum(ExpressionWrapper(Coalesce("left_at", "last_seen_at") - F("joined_at"), output_field=DurationField()))
    )["total"] or timedelta(0)
    watch_seconds = max(0, int(watched.total_seconds()))
    donations = list(
        StreamDonation.objects.filter(stream=stream)
        .values("currency")
        .annotate(total=Coalesce(Sum("amount"), 0), count=Count("id"))
        .order_by("currency")
    )
    duration = None
    if stream.started_at:
        end = stream.ended_at or timezone.now()
        duration = int((end - stream.started_at).total_seconds())
    return {
        "status": stream.status,
        "current_viewers": stream.current_viewers,
        "peak_viewers": stream.peak_viewers,
        "unique_viewers": watch["unique"],
        "signed_in_viewers": watch["signed_in"],
        "sessions": watch["sessions"],
        "watch_seconds_total": watch_seconds,
        "watch_seconds_average": (watch_seconds // watch["unique"]) if watch["unique"] else 0,
        "chat_messages": stream.chat_messages_count,
        "donations": [{"currency": d["currency"], "total_amount": d["total"], "count": d["count"]} for d in donations],
        "duration_seconds": duration,
    }


def chat_message_report_owner(*, viewer, target_id) -> User | None:
    """Who wrote a chat message the viewer reports (social's SOCIAL_REPORT_TARGET_RESOLVERS entry).

    NotFound unless the message exists and the viewer may see its stream: a report must not confirm
    that a hidden stream or a deleted message exists.
    """
    try:
        pk = uuid.UUID(str(target_id))
    except ValueError:
        raise NotFound("Message not found.") from None
    message = ChatMessage.objects.filter(pk=pk).select_related("user").first()
    if message is None:
        raise NotFound("Message not found.")
    stream = stream_get_visible(viewer=viewer, id=message.stream_id)
    if not stream_can_watch(viewer=viewer, stream=stream):
        raise NotFound("Message not found.")  # a teaser of a subscribers-only stream shows no chat
    return message.user
