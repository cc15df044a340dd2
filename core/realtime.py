"""The one way events leave a transaction for websockets: after commit, never before.

A rolled-back transaction must not have told anyone anything, and a channel-layer outage (Redis down)
must not fail the write that already committed: it is logged and the event is dropped; clients
resynchronise over the REST API on reconnect.
"""

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
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.warning("channel layer unavailable; dropped event for %s", group, exc_info=True)
        return False
    return True


def broadcast_on_commit(group: str, event: dict, *, alias: str = DEFAULT_CHANNEL_LAYER) -> None:
    """Send `event` to a channel-layer group once the current transaction commits.

    `alias` picks another entry of CHANNEL_LAYERS (live chat fans out over Redis pub/sub).
    """
    transaction.on_commit(lambda: group_send_now(group, event, alias=alias))
