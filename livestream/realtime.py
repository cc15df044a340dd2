"""The only module that sends livestream events to websockets: always after commit, to the stream's group.

Every event is `{"type": "chat.event", "text": "<the client frame, JSON>", "author": "<user id or ''>"}`;
consumers forward `text` to clients as is (dropping chat whose author the viewer blocked). Payload types: chat, donation, system,
moderation, viewer_count, pinned (and error, which consumers send to one client only).
"""

import json

from core.realtime import broadcast_on_commit, group_send_now

# The CHANNEL_LAYERS entry chat uses (Redis pub/sub in production, see settings and docs/livestream.md).
CHAT_LAYER = "livestream"


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


def _send(stream_id, payload: dict) -> None:
    broadcast_on_commit(stream_group(stream_id), chat_event(payload), alias=CHAT_LAYER)


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
    return group_send_now(
        stream_group(stream_id),
        chat_event({"type": "viewer_count", "current": current, "peak": peak}),
        alias=CHAT_LAYER,
    )
