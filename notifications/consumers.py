"""The notification socket: /ws/notifications/. Thin: authenticate, join the user's group, forward.

Protocol (JSON text frames):
- client → server: {"type": "auth", "token": "<access token>"} as the first message (never in the URL,
  where it would land in proxy logs), unless the handshake carried a signed-in session cookie;
  {"type": "ping"} at any time after that.
- server → client: {"type": "ready", "unread_count": n} once authenticated;
  {"type": "notification", "notification": {...}, "unread_count": n} for each new notification;
  {"type": "unread_count", "unread_count": n} when it changes (read, read-all, delete); {"type": "pong"}.

An unauthenticated socket gets an error frame and is closed with 4401: on a bad token, on any other
first message, or AUTH_TIMEOUT seconds after connecting without a word.
"""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications import selectors
from notifications.realtime import user_group
from users.ws_auth import authenticate_access_token

AUTH_TIMEOUT = 10
CLOSE_UNAUTHENTICATED = 4401


def _session_user(scope):
    user = scope.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if user.status in user.SIGN_IN_STATUSES else None


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    auth_timeout = AUTH_TIMEOUT

    async def connect(self):
        self.user = None
        self.group = None
        self._deadline = None
        await self.accept()
        user = _session_user(self.scope)
        if user is not None:
            await self._start(user)
        else:
            self._deadline = asyncio.ensure_future(self._close_if_silent())

    async def _close_if_silent(self):
        await asyncio.sleep(self.auth_timeout)
        if self.user is None:
            await self._refuse("Authentication timed out.")

    async def _refuse(self, detail):
        await self.send_json({"type": "error", "code": "not_authenticated", "detail": detail})
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _start(self, user):
        self.user = user
        if self._deadline is not None:
            self._deadline.cancel()
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        count = await database_sync_to_async(selectors.unread_count)(viewer=user)
        await self.send_json({"type": "ready", "unread_count": count})

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if self.user is None:
            if kind != "auth":
                await self._refuse('Send {"type": "auth", "token": ...} first.')
                return
            user = await database_sync_to_async(authenticate_access_token)(content.get("token"))
            if user is None:
                await self._refuse("Invalid or expired access token.")
                return
            await self._start(user)
            return
        if kind == "ping":
            await self.send_json({"type": "pong"})

    async def decode_json(self, text_data):
        import json

        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def disconnect(self, code):
        if self._deadline is not None:
            self._deadline.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deadline
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # Channel-layer events, sent by notifications.realtime
    async def notification_created(self, event):
        await self.send_json(
            {"type": "notification", "notification": event["notification"], "unread_count": event["unread_count"]}
        )

    async def notification_unread_count(self, event):
        await self.send_json({"type": "unread_count", "unread_count": event["unread_count"]})
