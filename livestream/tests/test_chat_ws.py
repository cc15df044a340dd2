"""Chat over the websocket, through the same ASGI stack production serves (Redis layer when REDIS_URL)."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from livestream import services
from livestream.models import ChatMessage, ViewerSession
from users.services.relationships import block_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_several_clients_receive_each_others_messages_in_order(live_stream, user, other_user, chat_client):
    ana, ben, anon = chat_client(live_stream.pk), chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await ben.join(other_user)
    await anon.join()
    expected = []
    for i in range(6):
        sender, name = (ana, "ana") if i % 2 == 0 else (ben, "ben")
        body = f"{name} {i}"
        await sender.send({"type": "chat", "body": body})
        # The next send waits until this one reached a reader, so the intended order is well defined.
        received = await anon.recv_type("chat")
        assert received["message"]["body"] == body
        assert received["message"]["user"]["username"] == name
        expected.append(body)
    for client in (ana, ben):
        assert [(await client.recv_type("chat"))["message"]["body"] for _ in range(6)] == expected
        assert await client.nothing()
    for client in (ana, ben, anon):
        await client.close()
    bodies = await database_sync_to_async(
        lambda: list(
            ChatMessage.objects.filter(stream=live_stream, kind="chat").order_by("id").values_list("body", flat=True)
        )
    )()
    assert bodies == expected


async def test_every_client_sees_the_same_order(live_stream, user, other_user, chat_client):
    clients = [chat_client(live_stream.pk) for _ in range(3)]
    await clients[0].join(user)
    await clients[1].join(other_user)
    await clients[2].join()
    senders = [clients[0], clients[1]]
    for i in range(6):
        await senders[i % 2].send({"type": "chat", "body": f"m{i}"})
        await asyncio.sleep(0.05)
    views = []
    for client in clients:
        views.append([(await client.recv_type("chat"))["message"]["body"] for _ in range(6)])
    assert views[0] == views[1] == views[2]
    assert sorted(views[0]) == [f"m{i}" for i in range(6)]
    for client in clients:
        await client.close()


async def test_anonymous_reads_public_but_cannot_send(live_stream, user, chat_client):
    anon, ana = chat_client(live_stream.pk), chat_client(live_stream.pk)
    joined = await anon.join()
    assert joined["you"] == {"user_id": None, "can_chat": False, "is_moderator": False}
    await ana.join(user)
    await anon.send({"type": "chat", "body": "let me in"})
    error = await anon.recv_type("error")
    assert error["code"] == "not_authenticated"
    await ana.send({"type": "chat", "body": "hello"})
    assert (await anon.recv_type("chat"))["message"]["body"] == "hello"
    await anon.close()
    await ana.close()


async def test_refused_join_for_stream_viewer_may_not_see(make_stream, user, chat_client):
    private = await database_sync_to_async(make_stream)(visibility="followers")
    # Anonymous: closed after an error frame.
    anon = chat_client(private.pk)
    connected, _ = await anon.connect()
    assert connected
    await anon.send({"type": "join"})
    assert (await anon.recv())["code"] == "not_found"
    assert (await anon.comm.receive_output(timeout=2))["code"] == 4404
    # Signed in with a token but not a follower: the stream does not exist for them.
    ana = chat_client(private.pk)
    await ana.connect()
    from livestream.tests.conftest import access_token_for

    await ana.send({"type": "auth", "token": await database_sync_to_async(access_token_for)(user)})
    assert (await ana.recv())["code"] == "not_found"
    # Subscribers-only teaser: visible, but the socket is refused with 4403.
    subs = await database_sync_to_async(make_stream)(visibility="subscribers")
    ben = chat_client(subs.pk)
    await ben.connect()
    await ben.send({"type": "auth", "token": await database_sync_to_async(access_token_for)(user)})
    assert (await ben.recv())["code"] == "forbidden"
    assert (await ben.comm.receive_output(timeout=2))["code"] == 4403
    # A bad token is refused too; no viewer session was ever opened.
    bad = chat_client(subs.pk)
    await bad.connect()
    await bad.send({"type": "auth", "token": "nope"})
    assert (await bad.recv())["code"] == "not_authenticated"
    assert await database_sync_to_async(ViewerSession.objects.count)() == 0


async def test_session_cookie_auth_and_refused_handshake(make_stream, live_stream, user, chat_client):
    def cookie_for(u):
        c = Client()
        c.force_login(u)
        return c.cookies["sessionid"].value

    cookie = await database_sync_to_async(cookie_for)(user)
    headers = [(b"cookie", f"sessionid={cookie}".encode())]
    ana = chat_client(live_stream.pk, headers=headers)
    connected, _ = await ana.connect()
    assert connected
    joined = await ana.recv_type("system")
    assert joined["you"]["user_id"] == str(user.pk) and joined["you"]["can_chat"] is True
    await ana.close()
    private = await database_sync_to_async(make_stream)(visibility="followers")
    refused = chat_client(private.pk, headers=headers)
    connected, code = await refused.connect()
    assert connected is False


async def test_validation_empty_and_too_long(live_stream, user, chat_client):
    ana = chat_client(live_stream.pk)
    await ana.join(user)
    await ana.send({"type": "chat", "body": "   "})
    assert (await ana.recv_type("error"))["code"] == "empty_message"
    await ana.send({"type": "chat", "body": "x" * 501})
    assert (await ana.recv_type("error"))["code"] == "message_too_long"
    await ana.send({"type": "chat", "body": "x" * 500})
    assert len((await ana.recv_type("chat"))["message"]["body"]) == 500
    await ana.send({"type": "bogus"})
    assert (await ana.recv_type("error"))["code"] == "unknown_type"
    await ana.comm.send_to(text_data="{not json")
    assert (await ana.recv_type("error"))["code"] == "bad_json"
    await ana.close()


async def test_rate_limit_burst_then_refill(live_stream, user, chat_client):
    ana = chat_client(live_stream.pk)
    await ana.join(user)
    for i in range(3):
        await ana.send({"type": "chat", "body": f"burst {i}"})
        await ana.recv_type("chat")
    await ana.send({"type": "chat", "body": "one too many"})
    error = await ana.recv_type("error")
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1
    await asyncio.sleep(1.1)
    await ana.send({"type": "chat", "body": "after a second"})
    assert (await ana.recv_type("chat"))["message"]["body"] == "after a second"
    await ana.close()


async def test_slow_mode_applies_to_viewers_not_moderators(live_stream, creator, user, chat_client):
    await database_sync_to_async(services.chat_settings_update)(
        stream_id=live_stream.pk, actor=creator, slow_mode_seconds=30
    )
    ana, host = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await host.join(creator)
    await ana.send({"type": "chat", "body": "first"})
    await ana.recv_type("chat")
    await ana.send({"type": "chat", "body": "second"})
    error = await ana.recv_type("error")
    assert error["code"] == "slow_mode" and error["retry_after"] == 30
    for i in range(2):
        await host.send({"type": "chat", "body": f"host {i}"})
        assert (await host.recv_type("chat"))["message"]["body"] in ("first", "host 0", "host 1")
    await ana.close()
    await host.close()


async def test_banned_words_rejected(make_stream, creator, user, chat_client):
    stream = await database_sync_to_async(make_stream)(banned_words=["spoiler"])
    ana = chat_client(stream.pk)
    await ana.join(user)
    await ana.send({"type": "chat", "body": "huge SPOILER: he wins"})
    assert (await ana.recv_type("error"))["code"] == "banned_word"
    await ana.send({"type": "chat", "body": "no spoilers please"})  # whole words only
    assert (await ana.recv_type("chat"))["message"]["body"] == "no spoilers please"
    await ana.close()


async def test_blocked_users_messages_are_not_delivered(live_stream, user, other_user, chat_client):
    await database_sync_to_async(block_create)(blocker=user, blocked=other_user)
    ana, ben = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await ben.join(other_user)
    await ben.send({"type": "chat", "body": "you blocked me"})
    await ben.recv_type("chat")
    await ana.send({"type": "chat", "body": "visible"})
    assert (await ana.recv_type("chat"))["message"]["body"] == "visible"
    await ana.close()
    await ben.close()


async def test_oversized_frame_closes_socket(live_stream, user, chat_client):
    ana = chat_client(live_stream.pk)
    await ana.join(user)
    await ana.comm.send_to(text_data="x" * (64 * 1024 + 1))
    while True:
        out = await ana.comm.receive_output(timeout=2)
        if out["type"] == "websocket.close":
            break
    assert out["code"] == 4009


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis channel layer")
async def test_idle_socket_survives_the_layers_blocking_pop(live_stream, user, chat_client):
    """channels_redis blocks 5 s in BZPOPMIN; the Redis read timeout must be longer or idle sockets die."""
    ana, ben = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await ben.join()
    await asyncio.sleep(7)
    await ana.send({"type": "chat", "body": "still here?"})
    assert (await ben.recv_type("chat"))["message"]["body"] == "still here?"
    await ana.close()
    await ben.close()


async def test_presence_counts_and_heartbeats(live_stream, user, other_user, chat_client, settings):
    settings.LIVE_VIEWER_COUNT_INTERVAL_SECONDS = 0  # no throttle: every change is broadcast
    ana, ben = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await ana.join(user)
    await ben.join(other_user)
    count = await ana.recv_type("viewer_count")
    while count["current"] != 2:
        count = await ana.recv_type("viewer_count")
    assert count == {"type": "viewer_count", "current": 2, "peak": 2}
    await ben.send({"type": "heartbeat"})
    await ben.close()
    count = await ana.recv_type("viewer_count")
    assert count == {"type": "viewer_count", "current": 1, "peak": 2}
    await ana.close()
    sessions = await database_sync_to_async(lambda: list(ViewerSession.objects.filter(stream=live_stream)))()
    assert len(sessions) == 2 and all(s.left_at is not None for s in sessions)


async def test_chat_closed_after_end(live_stream, creator, user, chat_client):
    ana = chat_client(live_stream.pk)
    await ana.join(user)
    await database_sync_to_async(services.stream_end)(stream=live_stream, actor=creator)
    status = await ana.recv_type("system")
    assert status == {"type": "system", "event": "status", "status": "ended"}
    await ana.send({"type": "chat", "body": "too late"})
    assert (await ana.recv_type("error"))["code"] == "chat_closed"
    await ana.close()


async def test_unknown_stream_refused(chat_client):
    anon = chat_client("0190e3c5-0000-7000-8000-000000000000")
    await anon.connect()
    await anon.send({"type": "join"})
    assert (await anon.recv())["code"] == "not_found"


async def test_two_tabs_of_one_user_count_once(live_stream, user, chat_client):
    a, b = chat_client(live_stream.pk), chat_client(live_stream.pk)
    await a.join(user)
    await b.join(user)
    stream = await database_sync_to_async(lambda: type(live_stream).objects.get(pk=live_stream.pk))()
    assert stream.current_viewers == 1
    await a.close()
    await b.close()
