"""The only module that sends livestream events to websockets: always after commit, to the stream's group.

Every event is `{"type": "chat.event", "text": "<the client frame, JSON>", "author": "<user id or ''>"}`;
each daphne process's room (livestream.fanout) writes `text` to its sockets as is, dropping chat whose
author the viewer blocked. Payload types: chat, donation, system, moderation, viewer_count, pinned (and
error, which consumers send to one client only). On the Redis pub/sub layer a sync caller (the
consumer's database thread, Celery) publishes from its own thread at commit (`publish_now`).
"""

import asyncio
import json
import logging
import threading

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from core.realtime import group_send_now

logger = logging.getLogger("socialflow.livestream.realtime")

# The CHANNEL_LAYERS entry chat uses (Redis pub/sub in production, see settings and docs/livestream.md).
CHAT_LAYER = "livestream"
PUBSUB_BACKEND = "channels_redis.pubsub.RedisPubSubChannelLayer"


def stream_group(stream_id) -> str:
    return f"livestream.{stream_id}"


def user_payload(user) -> dict | None:
    if user is None:
        return None
    return {"id": str(user.pk), "username": user.username, "display_name": user.name}


def chat_message_payload(message) -> dict:
    return {
        "id": str(message.pk),
        "kind": message.kind,
        "user": user_payload(message.user),
        "body": message.body,
        "data": message.data,
        "created_at": message.created_at.isoformat(),
    }


def chat_event(payload: dict) -> dict:
    """The group event: the client frame serialised once here, not once per socket in every consumer.

    `author` lets consumers drop chat from users their viewer blocked without parsing the frame.
    """
    author = ""
    if payload["type"] in ("chat", "donation"):
        author = ((payload.get("message") or {}).get("user") or {}).get("id", "")
    return {"type": "chat.event", "text": json.dumps(payload, separators=(",", ":")), "author": author}


class _PubSubPublisher:
    """PUBLISH to the pub/sub layer's group channel with a blocking Redis client, from the calling thread.

    The layer's own `group_send` is a coroutine: from a sync service (the consumer's database thread, a
    Celery task) it went through async_to_sync, i.e. queued behind every callback of the daphne event
    loop that was busy writing the previous message to hundreds of sockets, then awaited Redis' reply
    there, with the thread held meanwhile. This sends at commit time instead. The wire format is the
    layer's: its serializer, its group channel name (`<prefix>__group__<group>`), its host for the name
    (test_chat_ws checks that a consumer on the real layer receives what this publishes).
    """

    def __init__(self, layer, config: dict):
        import redis
        from channels_redis.utils import _consistent_hash, decode_hosts

        self._hash = _consistent_hash
        self.prefix = config.get("prefix", "asgi")
        self.serialize = layer.serialize
        self.clients = []
        for host in decode_hosts(config.get("hosts")):
            host = dict(host)
            address = host.pop("address", None)
            pool = redis.ConnectionPool.from_url(address, **host) if address else redis.ConnectionPool(**host)
            self.clients.append(redis.Redis(connection_pool=pool))
        self.errors = (redis.RedisError, OSError)

    def publish(self, group: str, event: dict) -> bool:
        channel = f"{self.prefix}__group__{group}"
        client = self.clients[self._hash(channel, len(self.clients))]
        try:
            client.publish(channel, self.serialize(event))
        except self.errors:
            logger.warning("chat layer unavailable; dropped an event for %s", group, exc_info=True)
            return False
        return True


_publisher_lock = threading.Lock()
_publisher: tuple = (None, None)  # (the layer instance it was built for, publisher or None)


def _sync_publisher() -> _PubSubPublisher | None:
    """The blocking publisher for the chat layer, or None when the layer is not Redis pub/sub."""
    global _publisher
    layer = get_channel_layer(CHAT_LAYER)
    built_for, publisher = _publisher
    if built_for is layer:
        return publisher
    with _publisher_lock:
        config = settings.CHANNEL_LAYERS.get(CHAT_LAYER, {})
        simple_hosts = all(
            not isinstance(h, dict) or "master_name" not in h for h in config.get("CONFIG", {}).get("hosts") or []
        )
        publisher = None
        if layer is not None and config.get("BACKEND") == PUBSUB_BACKEND and simple_hosts:
            publisher = _PubSubPublisher(layer, config.get("CONFIG", {}))
        _publisher = (layer, publisher)
        return publisher


def publish_now(group: str, event: dict) -> bool:
    """Send one event to a room now; whether it was handed over (a layer outage is logged, not raised).

    On a thread without an event loop (database threads, Celery) the event is published from this thread;
    on an event loop's own thread, or with another layer (in-memory on laptops), core.realtime sends it.
    """
    try:
        asyncio.get_running_loop()
        on_loop = True
    except RuntimeError:
        on_loop = False
    publisher = None if on_loop else _sync_publisher()
    if publisher is None:
        return group_send_now(group, event, alias=CHAT_LAYER)
    return publisher.publish(group, event)


def _send(stream_id, payload: dict) -> None:
    """After commit, never before: a rolled-back write has told nobody anything."""
    group, event = stream_group(stream_id), chat_event(payload)
    transaction.on_commit(lambda: publish_now(group, event))


def broadcast_chat_message(message) -> None:
    kind = "donation" if message.kind == "donation" else ("system" if message.kind == "system" else "chat")
    _send(message.stream_id, {"type": kind, "message": chat_message_payload(message)})


def broadcast_moderation(*, stream_id, action: str, actor, **data) -> None:
    _send(stream_id, {"type": "moderation", "action": action, "actor": user_payload(actor), **data})


def broadcast_pinned(*, stream_id, message) -> None:
    _send(stream_id, {"type": "pinned", "message": chat_message_payload(message) if message else None})


def broadcast_stream_status(stream) -> None:
    _send(stream.pk, {"type": "system", "event": "status", "status": stream.status})


def send_viewer_count_now(*, stream_id, current: int, peak: int) -> bool:
    """Viewer counts are not tied to a write the reader must see first, so they go out immediately."""
    return publish_now(stream_group(stream_id), chat_event({"type": "viewer_count", "current": current, "peak": peak}))
