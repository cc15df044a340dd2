"""Events leave after commit, and reach the group whether the caller is sync code or an event loop."""

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from core.realtime import broadcast_on_commit, group_send_now


@pytest.mark.django_db(transaction=True)
async def test_send_from_inside_a_running_loop_is_delivered():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("g-loop", channel)
    assert group_send_now("g-loop", {"type": "x.ping", "n": 1}) is True
    assert await layer.receive(channel) == {"type": "x.ping", "n": 1}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back():
    from asgiref.sync import async_to_sync

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("g-tx", channel)
    with pytest.raises(RuntimeError), transaction.atomic():
        broadcast_on_commit("g-tx", {"type": "x.lost"})
        raise RuntimeError("rollback")
    with transaction.atomic():
        broadcast_on_commit("g-tx", {"type": "x.kept"})
    assert async_to_sync(layer.receive)(channel) == {"type": "x.kept"}
