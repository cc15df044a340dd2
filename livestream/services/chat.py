"""Chat writes: sending a message (every rule in one place), system messages.

The consumer, the REST endpoint and tests all call `chat_message_send`, so validation, the chat modes,
sanctions, banned words, slow mode and the rate limit cannot differ between interfaces.
"""

import re
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import Conflict, NotAuthenticated, NotFound, PermissionDenied, RateLimited, ValidationFailed
from livestream import realtime
from livestream.chat_rate_limit import chat_rate_limit_take
from livestream.models import CHAT_MESSAGE_MAX_LENGTH, ChatMessage, Stream
from livestream.selectors import chat_active_sanction, stream_can_watch, stream_is_moderator
from payments.selectors import subscription_grants_access
from users.models import User
from users.selectors import is_following


def chat_body_clean(body) -> str:
    if not isinstance(body, str):
        raise ValidationFailed(errors={"body": ["Send the message as text."]})
    body = body.strip()
    if not body:
        raise ValidationFailed(errors={"body": ["The message is empty."]}, code="empty_message")
    if len(body) > CHAT_MESSAGE_MAX_LENGTH:
        raise ValidationFailed(
            errors={"body": [f"At most {CHAT_MESSAGE_MAX_LENGTH} characters."]}, code="message_too_long"
        )
    return body


def contains_banned_word(body: str, banned_words: list) -> bool:
    """Whole-word, case-insensitive match (a banned "ass" must not block "class")."""
    if not banned_words:
        return False
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(w) for w in banned_words) + r")(?!\w)"
    return re.search(pattern, body, flags=re.IGNORECASE) is not None


def _check_chat_modes(*, stream: Stream, user) -> None:
    """Followers-only, subscribers-only and minimum account age (moderators are exempt; caller checks)."""
    if stream.min_account_age_minutes:
        old_enough = user.created_at <= timezone.now() - timedelta(minutes=stream.min_account_age_minutes)
        if not old_enough:
            raise PermissionDenied(
                f"Accounts younger than {stream.min_account_age_minutes} minutes cannot chat here.",
                code="account_too_new",
            )
    if stream.followers_only_chat and not is_following(follower=user, following=stream.host):
        raise PermissionDenied("Chat is for followers only.", code="followers_only")
    if stream.subscribers_only_chat and not subscription_grants_access(fan=user, creator=stream.host):
        raise PermissionDenied("Chat is for subscribers only.", code="subscribers_only")


def _check_slow_mode(*, stream: Stream, user) -> None:
    if not stream.slow_mode_seconds:
        return
    # cache.add is atomic (SET NX on Redis): of two racing messages only one claims the slot.
    key = f"livestream:slow:{stream.pk}:{user.pk}"
    if not cache.add(key, 1, timeout=stream.slow_mode_seconds):
        raise RateLimited(
            f"Slow mode is on: one message every {stream.slow_mode_seconds} seconds.",
            code="slow_mode",
            retry_after=stream.slow_mode_seconds,
        )


def chat_message_send(*, stream_id, user, body) -> ChatMessage:
    """Validate and post a chat message; it is broadcast to the room after commit.

    Raises NotAuthenticated (anonymous), NotFound (stream hidden from the user), Conflict (chat closed),
    PermissionDenied (banned, timed out, chat mode), ValidationFailed (empty, too long, banned word),
    RateLimited (rate limit or slow mode, with retry_after).
    """
    if user is None or not user.is_authenticated:
        raise NotAuthenticated("Sign in to chat.")
    if user.status not in User.SIGN_IN_STATUSES:
        raise PermissionDenied("This account cannot chat.")
    body = chat_body_clean(body)
    stream = Stream.objects.select_related("host").filter(pk=stream_id).first()
    if stream is None or not stream_can_watch(viewer=user, stream=stream):
        raise NotFound("Stream not found.")
    if not stream.chat_open:
        raise Conflict("Chat is closed.", code="chat_closed")
    sanction = chat_active_sanction(stream=stream, user=user)
    if sanction is not None:
        if sanction.kind == sanction.Kind.BAN:
            raise PermissionDenied("You are banned from this chat.", code="banned")
        raise PermissionDenied(
            f"You are timed out until {sanction.expires_at.isoformat()}.",
            code="timed_out",
            errors={"until": [sanction.expires_at.isoformat()]},
        )
    privileged = stream_is_moderator(stream=stream, user=user)
    if not privileged:
        _check_chat_modes(stream=stream, user=user)
    if contains_banned_word(body, stream.banned_words):
        raise ValidationFailed(
            "The message contains a word this chat does not allow.",
            errors={"body": ["Contains a banned word."]},
            code="banned_word",
        )
    if not privileged:
        _check_slow_mode(stream=stream, user=user)
    decision = chat_rate_limit_take(user_id=user.pk)
    if not decision.allowed:
        raise RateLimited(
            "You are sending messages too fast.", code="rate_limited", retry_after=max(1, round(decision.retry_after))
        )
    return _message_create(stream=stream, user=user, body=body)


@transaction.atomic
def _message_create(*, stream: Stream, user, body: str) -> ChatMessage:
    message = ChatMessage(stream=stream, user=user, kind=ChatMessage.Kind.CHAT, body=body)
    # The stream and user are loaded rows and the id is fresh: skip the existence/uniqueness queries.
    message.full_clean(exclude=["stream", "user"], validate_unique=False, validate_constraints=False)
    message.save()
    Stream.objects.filter(pk=stream.pk).update(chat_messages_count=F("chat_messages_count") + 1)
    realtime.broadcast_chat_message(message)
    return message


def chat_system_message_create(*, stream: Stream, body: str, data: dict | None = None, kind=ChatMessage.Kind.SYSTEM):
    """A message from the platform (went live, ended, donation); persisted and broadcast after commit."""
    message = ChatMessage(stream=stream, user=None, kind=kind, body=body[:CHAT_MESSAGE_MAX_LENGTH], data=data or {})
    message.full_clean()
    message.save()
    realtime.broadcast_chat_message(message)
    return message


def chat_message_get(*, stream: Stream, message_id) -> ChatMessage:
    message = ChatMessage.objects.filter(stream=stream, pk=message_id).select_related("user").first()
    if message is None:
        raise NotFound("Message not found.")
    return message
