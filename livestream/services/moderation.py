"""Chat moderation by the host, the moderators they appoint, and platform moderators.

Each action is one function here: it checks the actor, changes the state, appends a
ChatModerationAction row and broadcasts a `moderation` (or `pinned`) event after commit. The websocket
consumer, the REST endpoints and the admin call these same functions.
"""

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from livestream import realtime
from livestream.models import ChatMessage, ChatModerationAction, ChatSanction, Stream, StreamModerator
from livestream.realtime import user_payload
from livestream.selectors import stream_is_moderator
from livestream.services.streams import normalise_banned_words
from users.models import User

Action = ChatModerationAction.Action
MAX_TIMEOUT_MINUTES = 7 * 24 * 60


def _stream_for_moderator(stream_id, actor) -> Stream:
    stream = Stream.objects.select_for_update().filter(pk=stream_id).first()
    if stream is None:
        raise NotFound("Stream not found.")
    if not stream_is_moderator(stream=stream, user=actor):
        raise PermissionDenied("Only the host and this stream's moderators may do this.")
    return stream


def _record(stream, actor, action, *, target_user=None, target_message=None, data=None) -> ChatModerationAction:
    return ChatModerationAction.objects.create(
        stream=stream,
        actor=actor,
        action=action,
        target_user=target_user,
        target_message=target_message,
        data=data or {},
    )


def _message(stream, message_id) -> ChatMessage:
    try:
        pk = uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound("Message not found.") from None
    message = ChatMessage.objects.filter(stream=stream, pk=pk).select_related("user").first()
    if message is None:
        raise NotFound("Message not found.")
    return message


def _user(user_or_id) -> User:
    if isinstance(user_or_id, User):
        return user_or_id
    try:
        pk = uuid.UUID(str(user_or_id))
    except ValueError:
        raise NotFound("User not found.") from None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFound("User not found.")
    return user


def _protect(stream: Stream, target: User) -> None:
    """Nobody moderates the host, and appointed moderators cannot sanction each other."""
    if target.pk == stream.host_id:
        raise PermissionDenied("The host cannot be moderated in their own chat.")
    if StreamModerator.objects.filter(stream=stream, user=target).exists() or target.is_moderator:
        raise PermissionDenied("Remove this user as a moderator first.")


@transaction.atomic
def moderator_add(*, stream_id, actor, user) -> StreamModerator:
    stream = Stream.objects.select_for_update().filter(pk=stream_id, host=actor).first()
    if stream is None:
        raise NotFound("Stream not found.")
    user = _user(user)
    if user.pk == stream.host_id:
        raise ValidationFailed(errors={"user": ["The host already moderates their stream."]})
    moderator, created = StreamModerator.objects.get_or_create(
        stream=stream, user=user, defaults={"appointed_by": actor}
    )
    if created:
        _record(stream, actor, Action.MODERATOR_ADD, target_user=user)
        realtime.broadcast_moderation(
            stream_id=stream.pk, action=Action.MODERATOR_ADD, actor=actor, user=user_payload(user)
        )
    return moderator


@transaction.atomic
def moderator_remove(*, stream_id, actor, user) -> None:
    stream = Stream.objects.select_for_update().filter(pk=stream_id, host=actor).first()
    if stream is None:
        raise NotFound("Stream not found.")
    user = _user(user)
    deleted, _ = StreamModerator.objects.filter(stream=stream, user=user).delete()
    if deleted:
        _record(stream, actor, Action.MODERATOR_REMOVE, target_user=user)
        realtime.broadcast_moderation(
            stream_id=stream.pk, action=Action.MODERATOR_REMOVE, actor=actor, user=user_payload(user)
        )


@transaction.atomic
def chat_message_delete(*, stream_id, actor, message_id) -> ChatMessage:
    stream = _stream_for_moderator(stream_id, actor)
    message = _message(stream, message_id)
    message.deleted_by = actor
    message.deletion_reason = ChatMessage.DeletionReason.MODERATOR
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at", "deleted_by", "deletion_reason", "updated_at"])
    _record(stream, actor, Action.DELETE_MESSAGE, target_user=message.user, target_message=message)
    realtime.broadcast_moderation(
        stream_id=stream.pk, action=Action.DELETE_MESSAGE, actor=actor, message_ids=[str(message.pk)]
    )
    if stream.pinned_message_id == message.pk:
        _unpin(stream, actor)
    return message


def _hide_messages_of(stream: Stream, user: User, actor, reason: str) -> list[str]:
    ids = list(ChatMessage.objects.filter(stream=stream, user=user).values_list("pk", flat=True))
    if ids:
        ChatMessage.objects.filter(pk__in=ids).update(
            deleted_at=timezone.now(), deleted_by=actor, deletion_reason=reason, updated_at=timezone.now()
        )
        if stream.pinned_message_id in ids:
            _unpin(stream, actor)
    return [str(i) for i in ids]


@transaction.atomic
def chat_user_timeout(*, stream_id, actor, user, minutes: int, reason: str = "") -> ChatSanction:
    stream = _stream_for_moderator(stream_id, actor)
    target = _user(user)
    _protect(stream, target)
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_TIMEOUT_MINUTES:
        raise ValidationFailed(errors={"minutes": [f"Between 1 and {MAX_TIMEOUT_MINUTES} minutes."]})
    now = timezone.now()
    ChatSanction.objects.filter(stream=stream, user=target, kind=ChatSanction.Kind.TIMEOUT).active(at=now).update(
        lifted_at=now
    )
    sanction = ChatSanction.objects.create(
        stream=stream, user=target, kind=ChatSanction.Kind.TIMEOUT, reason=reason[:200],
        expires_at=now + timedelta(minutes=minutes), created_by=actor,
    )  # fmt: skip
    _record(stream, actor, Action.TIMEOUT, target_user=target, data={"minutes": minutes, "reason": reason[:200]})
    realtime.broadcast_moderation(
        stream_id=stream.pk, action=Action.TIMEOUT, actor=actor, user=user_payload(target),
        minutes=minutes, until=sanction.expires_at.isoformat(),
    )  # fmt: skip
    return sanction


@transaction.atomic
def chat_user_ban(*, stream_id, actor, user, reason: str = "") -> ChatSanction:
    """Ban from this stream's chat; the user's earlier messages disappear for everyone."""
    stream = _stream_for_moderator(stream_id, actor)
    target = _user(user)
    _protect(stream, target)
    existing = ChatSanction.objects.filter(
        stream=stream, user=target, kind=ChatSanction.Kind.BAN, lifted_at__isnull=True
    )
    if existing.exists():
        return existing.first()
    try:
        with transaction.atomic():
            sanction = ChatSanction.objects.create(
                stream=stream, user=target, kind=ChatSanction.Kind.BAN, reason=reason[:200], created_by=actor
            )
    except IntegrityError as exc:  # a concurrent ban of the same user won the race
        raise Conflict("This user is already banned.") from exc
    hidden = _hide_messages_of(stream, target, actor, ChatMessage.DeletionReason.BAN)
    _record(stream, actor, Action.BAN, target_user=target, data={"reason": reason[:200], "hidden": len(hidden)})
    realtime.broadcast_moderation(
        stream_id=stream.pk, action=Action.BAN, actor=actor, user=user_payload(target), message_ids=hidden
    )
    return sanction


@transaction.atomic
def chat_user_unban(*, stream_id, actor, user) -> None:
    """Lift a ban (and any running timeout). Hidden messages stay hidden: the ban was about them."""
    stream = _stream_for_moderator(stream_id, actor)
    target = _user(user)
    lifted = ChatSanction.objects.filter(stream=stream, user=target).active().update(lifted_at=timezone.now())
    if not lifted:
        raise NotFound("This user is not banned or timed out here.")
    _record(stream, actor, Action.UNBAN, target_user=target)
    realtime.broadcast_moderation(stream_id=stream.pk, action=Action.UNBAN, actor=actor, user=user_payload(target))


def _unpin(stream: Stream, actor) -> None:
    stream.pinned_message = None
    stream.save(update_fields=["pinned_message", "updated_at"])
    realtime.broadcast_pinned(stream_id=stream.pk, message=None)


@transaction.atomic
def chat_message_pin(*, stream_id, actor, message_id) -> ChatMessage:
    stream = _stream_for_moderator(stream_id, actor)
    message = _message(stream, message_id)
    stream.pinned_message = message
    stream.save(update_fields=["pinned_message", "updated_at"])
    _record(stream, actor, Action.PIN, target_user=message.user, target_message=message)
    realtime.broadcast_pinned(stream_id=stream.pk, message=message)
    return message


@transaction.atomic
def chat_message_unpin(*, stream_id, actor) -> None:
    stream = _stream_for_moderator(stream_id, actor)
    if stream.pinned_message_id is None:
        return
    _record(stream, actor, Action.UNPIN)
    _unpin(stream, actor)


SETTING_ACTIONS = {
    "slow_mode_seconds": Action.SLOW_MODE,
    "followers_only_chat": Action.FOLLOWERS_ONLY,
    "subscribers_only_chat": Action.SUBSCRIBERS_ONLY,
    "min_account_age_minutes": Action.MIN_ACCOUNT_AGE,
    "banned_words": Action.BANNED_WORDS,
}


@transaction.atomic
def chat_settings_update(*, stream_id, actor, **changes) -> Stream:
    """Slow mode, followers-only, subscribers-only, minimum account age, banned words: each recorded."""
    stream = _stream_for_moderator(stream_id, actor)
    unknown = set(changes) - set(SETTING_ACTIONS)
    if unknown:
        raise ValidationFailed(errors={f: ["Not a chat setting."] for f in sorted(unknown)})
    if "banned_words" in changes:
        changes["banned_words"] = normalise_banned_words(changes["banned_words"])
    changed = {f: v for f, v in changes.items() if getattr(stream, f) != v}
    for field, value in changed.items():
        setattr(stream, field, value)
    try:
        stream.full_clean(exclude=["pinned_message", "min_tier"])
    except Exception as exc:
        raise ValidationFailed(errors=getattr(exc, "message_dict", {"__all__": [str(exc)]})) from exc
    if not changed:
        return stream
    stream.save(update_fields=[*changed, "updated_at"])
    for field, value in changed.items():
        # Banned words are not broadcast: publishing the list would tell people how to get around it.
        public_value = len(value) if field == "banned_words" else value
        _record(stream, actor, SETTING_ACTIONS[field], data={field: value})
        realtime.broadcast_moderation(
            stream_id=stream.pk, action=SETTING_ACTIONS[field], actor=actor, settings={field: public_value}
        )
    return stream


@transaction.atomic
def chat_clear(*, stream_id, actor) -> int:
    """Hide every message so far (kept for review); clients empty their chat view."""
    stream = _stream_for_moderator(stream_id, actor)
    now = timezone.now()
    count = ChatMessage.objects.filter(stream=stream).update(
        deleted_at=now, deleted_by=actor, deletion_reason=ChatMessage.DeletionReason.CLEAR, updated_at=now
    )
    if stream.pinned_message_id:
        _unpin(stream, actor)
    _record(stream, actor, Action.CLEAR_CHAT, data={"hidden": count})
    realtime.broadcast_moderation(stream_id=stream.pk, action=Action.CLEAR_CHAT, actor=actor, before=now.isoformat())
    return count


@transaction.atomic
def chat_messages_restore(*, message_ids, actor) -> int:
    """Staff undo of hidden chat messages (admin); not broadcast: clients see them again on reload."""
    if not actor.is_moderator:
        raise PermissionDenied("Only platform moderators restore chat messages.")
    return ChatMessage.all_objects.filter(pk__in=list(message_ids), deleted_at__isnull=False).update(
        deleted_at=None, deleted_by=None, deletion_reason="", updated_at=timezone.now()
    )
