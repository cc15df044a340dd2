"""Events leave after commit, and reach the group whether the caller is sync code or an event loop."""

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from core.realtime import broadcast_many_on_commit, broadcast_on_commit, group_send_many_now, group_send_now


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


@pytest.mark.django_db(transaction=True)
def test_many_events_leave_together_after_commit_and_not_on_rollback():
    from asgiref.sync import async_to_sync

    layer = get_channel_layer()
    a, b = async_to_sync(layer.new_channel)(), async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("g-a", a)
    async_to_sync(layer.group_add)("g-b", b)
    with pytest.raises(RuntimeError), transaction.atomic():
        broadcast_many_on_commit([("g-a", {"type": "x.lost"}), ("g-b", {"type": "x.lost"})])
        raise RuntimeError("rollback")
    with transaction.atomic():
        broadcast_many_on_commit([("g-a", {"type": "x.one", "n": 1}), ("g-b", {"type": "x.two", "n": 2})])
    assert async_to_sync(layer.receive)(a) == {"type": "x.one", "n": 1}
    assert async_to_sync(layer.receive)(b) == {"type": "x.two", "n": 2}


def test_a_failing_layer_drops_the_batch_with_one_warning(monkeypatch, caplog):
    class Down:
        calls = 0

        async def group_send(self, group, event):
            Down.calls += 1
            raise ConnectionError("redis down")

    monkeypatch.setattr("core.realtime.get_channel_layer", lambda alias: Down())
    assert group_send_many_now([("g1", {"type": "x"}), ("g2", {"type": "x"})]) == 0
    assert Down.calls == 1  # the second event never waits out its own timeout
    assert "dropped 2 events" in caplog.text
