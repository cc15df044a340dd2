"""Every write of the livestream app. payments calls `stream_tip_succeeded` through its hook setting."""

from livestream.services.chat import chat_message_send, chat_system_message_create
from livestream.services.donations import stream_tip_succeeded
from livestream.services.moderation import (
    chat_clear,
    chat_message_delete,
    chat_message_pin,
    chat_message_unpin,
    chat_settings_update,
    chat_user_ban,
    chat_user_timeout,
    chat_user_unban,
    moderator_add,
    moderator_remove,
)
from livestream.services.presence import (
    viewer_counts_flush,
    viewer_heartbeat,
    viewer_identify,
    viewer_join,
    viewer_leave,
    viewer_sessions_expire,
)
from livestream.services.streams import (
    stream_cancel,
    stream_channel_cleanup,
    stream_create,
    stream_end,
    stream_ivs_event_apply,
    stream_key_reveal,
    stream_rotate_key,
    stream_start,
    stream_transition,
    stream_update,
)

__all__ = [
    "chat_clear",
    "chat_message_delete",
    "chat_message_pin",
    "chat_message_send",
    "chat_message_unpin",
    "chat_settings_update",
    "chat_system_message_create",
    "chat_user_ban",
    "chat_user_timeout",
    "chat_user_unban",
    "moderator_add",
    "moderator_remove",
    "stream_cancel",
    "stream_channel_cleanup",
    "stream_create",
    "stream_end",
    "stream_ivs_event_apply",
    "stream_key_reveal",
    "stream_rotate_key",
    "stream_start",
    "stream_tip_succeeded",
    "stream_transition",
    "stream_update",
    "viewer_counts_flush",
    "viewer_heartbeat",
    "viewer_identify",
    "viewer_join",
    "viewer_leave",
    "viewer_sessions_expire",
]
