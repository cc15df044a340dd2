"""The one way events leave a transaction for websockets: after commit, never before.

A rolled-back transaction must not have told anyone anything, and a channel-layer outage (Redis down)
must not fail the write that already committed: it is logged and the event is dropped; clients
resynchronise over the REST API on reconnect.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("socialflow.realtime")


def group_send_now(group: str, event: dict, *, alias: str = DEFAULT_CHANNEL_LAYER) -> bool:
    layer = get_channel_layer(alias)
    if layer is None:
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        # Called on an event loop's own thread (async code calling a sync service directly):
        # async_to_sync cannot run here, so the send is scheduled on that loop instead.
        task = loop.create_task(layer.group_send(group, event))
        task.add_done_callback(_log_failure(group))
        return True
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.warning("channel layer unavailable; dropped event for %s", group, exc_info=True)
        return False
    return True


def _log_failure(group: str):
    def done(task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.warning("channel layer unavailable; dropped event for %s", group, exc_info=task.exception())

    return done


def broadcast_on_commit(group: str, event: dict, *, alias: str = DEFAULT_CHANNEL_LAYER) -> None:
    """Send `event` to a channel-layer group once the current transaction commits.

    `alias` picks another entry of CHANNEL_LAYERS (live chat fans out over Redis pub/sub).
    """
    transaction.on_commit(lambda: group_send_now(group, event, alias=alias))
