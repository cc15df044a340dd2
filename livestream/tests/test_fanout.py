"""Room fan-out (livestream.fanout) and the after-commit publisher (livestream.realtime.publish_now)."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from livestream import fanout, realtime
from livestream.realtime import CHAT_LAYER, chat_event, stream_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def group_channels(group: str) -> set:
    """The channels the chat layer holds in `group` in this process (pub/sub or in-memory layer)."""
    layer = get_channel_layer(CHAT_LAYER)
    if hasattr(layer, "_get_group_channel_name"):
        return set(layer.groups.get(layer._get_group_channel_name(group), ()))
    return set(layer.groups.get(group, {}))


async def test_a_room_is_one_group_membership_per_process(live_stream, user, chat_client):
    group = stream_group(live_stream.pk)
    clients = [chat_client(live_stream.pk) for _ in range(3)]
    await clients[0].join(user)
    await clients[1].join()
    await clients[2].join()
    assert fanout.local_members(CHAT_LAYER, group) == 3
    assert len(group_channels(group)) == 1
    assert len(get_channel_layer(CHAT_LAYER).channels) == 1  # the room's; sockets have none of their own
    await clients[0].send({"type": "chat", "body": "one frame each"})
    for client in clients:
        assert (await client.recv_type("chat"))["message"]["body"] == "one frame each"
    for client in clients:
        await client.close()
    assert fanout.local_members(CHAT_LAYER, group) == 0
    assert group_channels(group) == set()


async def test_a_room_emptied_and_joined_again_still_delivers(live_stream, user, chat_client):
    first = chat_client(live_stream.pk)
    await first.join()
    await first.close()
    ana, anon = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await anon.join()
    await ana.send({"type": "chat", "body": "back again"})
    assert (await anon.recv_type("chat"))["message"]["body"] == "back again"
    await ana.close()
    await anon.close()


async def test_a_socket_torn_down_without_disconnect_leaves_the_room(live_stream, chat_client):
    group = stream_group(live_stream.pk)
    anon = chat_client(live_stream.pk)
    await anon.join()
    assert fanout.local_members(CHAT_LAYER, group) == 1
    anon.comm.future.cancel()  # the server cancelling the application, as daphne does after a close timeout
    for _ in range(50):
        if fanout.local_members(CHAT_LAYER, group) == 0 and not group_channels(group):
            break
        await asyncio.sleep(0.02)
    assert fanout.local_members(CHAT_LAYER, group) == 0
    assert group_channels(group) == set()


class _Socket:
    def __init__(self, blocked=(), broken=False):
        self.blocked = set(blocked)
        self.broken = broken
        self.frames = []

    async def send(self, text_data):
        if self.broken:
            raise RuntimeError("Attempt to send on a closed protocol")
        self.frames.append(text_data)


async def test_one_broken_socket_does_not_stop_the_rooms_delivery():
    room = fanout.Room(key=None, layer=None, group="livestream.x")
    first, broken, blocker, last = _Socket(), _Socket(broken=True), _Socket(blocked={"u1"}), _Socket()
    room.members = dict.fromkeys([first, broken, blocker, last])
    event = chat_event({"type": "chat", "message": {"body": "hi", "user": {"id": "u1"}}})
    await room.deliver(event)
    assert first.frames == last.frames == [event["text"]]
    assert blocker.frames == []


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis pub/sub chat layer")
async def test_a_sync_caller_publishes_in_the_layers_format_without_the_event_loop(
    live_stream, chat_client, monkeypatch
):
    anon = chat_client(live_stream.pk)
    await anon.join()

    def through_the_loop(*args, **kwargs):
        raise AssertionError("a thread without an event loop must publish itself")

    monkeypatch.setattr(realtime, "group_send_now", through_the_loop)
    event = chat_event({"type": "system", "event": "probe"})
    assert await asyncio.to_thread(realtime.publish_now, stream_group(live_stream.pk), event)
    assert (await anon.recv_type("system"))["event"] == "probe"
    await anon.close()


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis pub/sub chat layer")
async def test_publishing_while_redis_is_down_is_logged_not_raised(monkeypatch, caplog):
    publisher = realtime._sync_publisher()
    assert publisher is not None

    def refuse(*args, **kwargs):
        import redis

        raise redis.ConnectionError("down")

    for client in publisher.clients:
        monkeypatch.setattr(client, "publish", refuse)
    assert await asyncio.to_thread(realtime.publish_now, "livestream.x", chat_event({"type": "system"})) is False
    assert "chat layer unavailable" in caplog.text


async def test_a_malformed_event_does_not_stop_the_rooms_reader():
    class Layer:
        def __init__(self, events):
            self.events = asyncio.Queue()
            for event in events:
                self.events.put_nowait(event)

        async def receive(self, channel):
            return await self.events.get()

    good = chat_event({"type": "system", "event": "after"})
    room = fanout.Room(key=None, layer=Layer([{"type": "chat.event"}, good]), group="livestream.x")
    socket = _Socket()
    room.members = {socket: None}
    reader = asyncio.ensure_future(room._read("room-channel"))
    for _ in range(50):
        if socket.frames:
            break
        await asyncio.sleep(0.01)
    reader.cancel()
    assert socket.frames == [good["text"]]
