"""Live chat socket: /ws/streams/<id>/chat/. Thin: authenticate, check access, validate, call services.

Protocol (JSON text frames):
- client → server: {"type": "auth", "token": "<access token>"} (first message; never in the URL),
  {"type": "join", "viewer_key": "..."} (anonymous readers of a public stream, optional key for unique
  viewer counts), {"type": "chat", "body": "..."}, {"type": "heartbeat"},
  {"type": "moderate", "action": "...", ...} (host and moderators; same services as the REST API).
- server → client: chat, system, donation, moderation, viewer_count, pinned, error.

A signed-in session (cookie) joins on connect. Otherwise the socket is accepted and waits for an `auth`
or `join` message for AUTH_TIMEOUT seconds. A viewer who may not watch the stream is refused: the
handshake is rejected (session user) or the socket is closed with 4403 after an error frame; an unknown
or hidden stream closes with 4404. Text frames over LIVE_WS_MAX_MESSAGE_BYTES close the socket with
4009 (1009 is reserved to the server); daphne itself closes with 1009 on frames over its
`--websocket_max_message_size` (1 MiB default) before the application sees a byte of them.
"""

import asyncio
import json
import logging
import uuid

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core.exceptions import ApplicationError
from livestream import services
from livestream.fanout import room_join, room_leave, room_leave_soon
from livestream.models import Stream
from livestream.realtime import CHAT_LAYER, stream_group
from livestream.selectors import stream_can_watch, stream_get_visible, stream_is_moderator
from users.selectors import blocked_user_ids
from users.ws_auth import authenticate_access_token

logger = logging.getLogger("socialflow.livestream.ws")


def database_sync_to_async(func):
    """Run ORM work in the thread pool, not Channels' one shared thread: every chat message is a few
    queries and a commit, and serialising all sockets of a process behind one thread made the room's
    latency grow with its size (bench/chat_fanout.py). SQLite (laptops, tests) keeps the single thread
    because it cannot take concurrent writers."""
    return DatabaseSyncToAsync(func, thread_sensitive=not settings.USING_POSTGRES)


AUTH_TIMEOUT = 10
# 1009 ("message too big") is reserved for the server itself: daphne/autobahn refuse it from an app.
CLOSE_TOO_BIG = 4009
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_PROTOCOL = 4400

MODERATION_ACTIONS = {
    "delete_message": (services.chat_message_delete, ("message_id",)),
    "timeout": (services.chat_user_timeout, ("user", "minutes")),
    "ban": (services.chat_user_ban, ("user",)),
    "unban": (services.chat_user_unban, ("user",)),
    "pin": (services.chat_message_pin, ("message_id",)),
    "unpin": (services.chat_message_unpin, ()),
    "clear_chat": (services.chat_clear, ()),
    "settings": (services.chat_settings_update, ()),
}


@database_sync_to_async
def _load_access(stream_id, user):
    """(stream, may_watch, is_moderator, blocked ids) or (None, ...) when hidden."""
    try:
        stream = stream_get_visible(viewer=user, id=stream_id)
    except ApplicationError:
        return None, False, False, set()
    can_watch = stream_can_watch(viewer=user, stream=stream)
    signed_in = user is not None and user.is_authenticated
    moderator = signed_in and stream_is_moderator(stream=stream, user=user)
    blocked = {str(i) for i in blocked_user_ids(viewer=user)} if signed_in else set()
    return stream, can_watch, moderator, blocked


@database_sync_to_async
def _stream_state(stream_id):
    stream = Stream.objects.select_related("pinned_message__user").filter(pk=stream_id).first()
    return stream


class StreamChatConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        """Channels' AsyncConsumer.__call__ without a channel of its own and its per-message hops.

        Room events reach the socket through livestream.fanout, so the socket needs no layer channel
        (one Redis subscription, one queue and one pending task per socket) and no `await_many_dispatch`
        (a task, an asyncio.wait round and a wake-up per client frame). Client frames are dispatched
        straight from `receive`, in order.
        """
        self.scope = scope
        self.channel_layer = None
        self.channel_name = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            # A consumer torn down without its disconnect (cancelled by the server) must not stay in the room.
            if getattr(self, "joined", False):
                room_leave_soon(CHAT_LAYER, stream_group(self.stream_id), self)

    async def dispatch(self, message):
        # Channels' dispatch first runs close_old_connections on its one shared sync thread, a thread hop
        # per client frame; every ORM call here goes through database_sync_to_async, which does that in
        # the thread that runs the query.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.stream_id = self.scope["url_route"]["kwargs"]["stream_id"]
        self.user = None
        self.joined = False
        self.session_id = None
        self.moderator = False
        self.blocked = set()
        self.auth_deadline = None
        self.identifying = False
        scope_user = self.scope.get("user")
        if scope_user is not None and scope_user.is_authenticated:
            stream, can_watch, moderator, blocked = await _load_access(self.stream_id, scope_user)
            if stream is None or not can_watch:
                await self.close()  # before accept: the handshake is refused (HTTP 403)
                return
            await self.accept()
            await self._join(scope_user, moderator=moderator, blocked=blocked, viewer_key=f"u:{scope_user.pk}")
            return
        await self.accept()
        self.auth_deadline = asyncio.get_running_loop().call_later(AUTH_TIMEOUT, self._auth_timeout)

    def _auth_timeout(self):
        # Only a socket that never said who it is gets closed; a slow token check is not the client's fault.
        if not self.joined and not self.identifying:
            asyncio.ensure_future(self._refuse(CLOSE_FORBIDDEN, "not_authenticated", "Send auth or join first."))

    async def _refuse(self, code: int, error: str, detail: str):
        await self._send_json({"type": "error", "code": error, "detail": detail})
        await self.close(code=code)

    async def _join(self, user, *, moderator: bool, blocked: set, viewer_key: str):
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()
        self.user = user if user is not None and user.is_authenticated else None
        self.moderator = moderator
        self.blocked = blocked
        if not self.joined:
            # The room's events reach this socket through the process's one membership (livestream.fanout).
            await room_join(CHAT_LAYER, stream_group(self.stream_id), self)
            session = await database_sync_to_async(services.viewer_join)(
                stream_id=self.stream_id, user=self.user, viewer_key=viewer_key
            )
            self.session_id = session.pk
            self.joined = True
        else:
            await database_sync_to_async(services.viewer_identify)(
                session_id=self.session_id, user=self.user, viewer_key=viewer_key
            )
        stream = await _stream_state(self.stream_id)
        await self._send_json(
            {
                "type": "system",
                "event": "joined",
                "stream": {"id": str(stream.pk), "status": stream.status},
                "you": {
                    "user_id": str(self.user.pk) if self.user else None,
                    "can_chat": self.user is not None,
                    "is_moderator": self.moderator,
                },
                "settings": {
                    "slow_mode_seconds": stream.slow_mode_seconds,
                    "followers_only_chat": stream.followers_only_chat,
                    "subscribers_only_chat": stream.subscribers_only_chat,
                    "min_account_age_minutes": stream.min_account_age_minutes,
                },
                "viewer_count": {"current": stream.current_viewers, "peak": stream.peak_viewers},
                "pinned": _pinned_payload(stream),
            }
        )

    async def disconnect(self, code):
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()
        if self.joined:
            self.joined = False
            await room_leave(CHAT_LAYER, stream_group(self.stream_id), self)
            await database_sync_to_async(services.viewer_leave)(session_id=self.session_id)

    async def websocket_receive(self, message):
        # Size check before decoding anything: an oversized frame costs us nothing beyond the read.
        data = message.get("text")
        if data is None:
            data = message.get("bytes") or b""
        if len(data) > settings.LIVE_WS_MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        await super().websocket_receive(message)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self._error("bad_frame", "Send JSON text frames.")
            return
        try:
            msg = json.loads(text_data)
        except ValueError:
            await self._error("bad_json", "Malformed JSON.")
            return
        if not isinstance(msg, dict):
            await self._error("bad_json", "Send a JSON object.")
            return
        kind = msg.get("type")
        if kind in ("auth", "join"):
            self.identifying = True
        if kind == "auth":
            await self._handle_auth(msg)
        elif kind == "join":
            await self._handle_anonymous_join(msg)
        elif not self.joined:
            await self._error("not_joined", "Send auth or join first.")
        elif kind == "chat":
            await self._call(services.chat_message_send, stream_id=self.stream_id, user=self.user, body=msg.get("body"))
        elif kind == "heartbeat":
            await database_sync_to_async(services.viewer_heartbeat)(session_id=self.session_id)
        elif kind == "moderate":
            await self._handle_moderate(msg)
        else:
            await self._error("unknown_type", "Unknown message type.")

    async def _handle_auth(self, msg):
        user = await database_sync_to_async(authenticate_access_token)(msg.get("token"))
        if user is None:
            await self._refuse(CLOSE_FORBIDDEN, "not_authenticated", "Invalid or expired token.")
            return
        if self.user is not None and self.user.pk != user.pk:
            await self._refuse(CLOSE_PROTOCOL, "user_changed", "Open a new socket to switch accounts.")
            return
        stream, can_watch, moderator, blocked = await _load_access(self.stream_id, user)
        if stream is None:
            await self._refuse(CLOSE_NOT_FOUND, "not_found", "Stream not found.")
        elif not can_watch:
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "You cannot watch this stream.")
        else:
            await self._join(user, moderator=moderator, blocked=blocked, viewer_key=f"u:{user.pk}")

    async def _handle_anonymous_join(self, msg):
        if self.joined:
            return
        stream, can_watch, _, _ = await _load_access(self.stream_id, None)
        if stream is None:
            await self._refuse(CLOSE_NOT_FOUND, "not_found", "Stream not found.")
            return
        if not can_watch:
            await self._refuse(CLOSE_FORBIDDEN, "forbidden", "Sign in to watch this stream.")
            return
        raw_key = str(msg.get("viewer_key") or "")[:64]
        await self._join(None, moderator=False, blocked=set(), viewer_key=f"a:{raw_key or uuid.uuid4().hex}")

    async def _handle_moderate(self, msg):
        if self.user is None:
            await self._error("not_authenticated", "Sign in to moderate.")
            return
        action = msg.get("action")
        entry = MODERATION_ACTIONS.get(action)
        if entry is None:
            await self._error("unknown_action", "Unknown moderation action.")
            return
        func, params = entry
        kwargs = {p: msg.get(p) for p in params}
        if action == "settings":
            kwargs = msg.get("settings") if isinstance(msg.get("settings"), dict) else {}
        if action == "timeout" and not isinstance(kwargs.get("minutes"), int):
            await self._error("validation_error", "minutes must be an integer.")
            return
        await self._call(func, stream_id=self.stream_id, actor=self.user, **kwargs)

    async def _call(self, func, **kwargs):
        try:
            await database_sync_to_async(func)(**kwargs)
        except ApplicationError as exc:
            payload = {"type": "error", "code": exc.code, "detail": exc.detail}
            if exc.errors:
                payload["errors"] = exc.errors
            if getattr(exc, "retry_after", None):
                payload["retry_after"] = exc.retry_after
            await self._send_json(payload)

    async def _error(self, code: str, detail: str):
        await self._send_json({"type": "error", "code": code, "detail": detail})

    async def _send_json(self, payload):
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))


def _pinned_payload(stream):
    from livestream.realtime import chat_message_payload

    message = stream.pinned_message
    if message is None or message.deleted_at is not None:
        return None
    return chat_message_payload(message)
