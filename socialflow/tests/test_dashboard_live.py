"""Live pages: create/schedule, reveal and rotate the key, start/end, and the host's chat over the same
websocket viewers use (session cookie), moderating through it."""

import json
import re
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from livestream import services as live
from livestream.models import ChatMessage, Stream
from socialflow.asgi import application
from socialflow.tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _self_hosted(settings):
    settings.USE_IVS = False
    settings.LIVE_RTMP_INGEST_URL = "rtmp://ingest.test:1935/live"
    settings.LIVE_HLS_PLAYBACK_BASE = "https://hls.test/live"


def key_on(html: str) -> str | None:
    match = re.search(r'<span class="secret" id="stream-key">([^<]+)</span>', html)
    return match.group(1) if match else None


def test_create_schedule_reveal_rotate_start_and_end(dashboard_client, creator):
    client = dashboard_client(creator)
    when = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/dashboard/live/",
        {"title": "Morning climb", "category": "sports", "visibility": "public", "scheduled_for": when,
         "slow_mode_seconds": "5"},
    )  # fmt: skip
    stream = Stream.objects.get(host=creator)
    assert response.status_code == 302 and response["Location"] == f"/dashboard/live/{stream.pk}/"
    assert (stream.title, stream.status, stream.slow_mode_seconds) == ("Morning climb", "scheduled", 5)
    assert stream.scheduled_for.strftime("%Y-%m-%dT%H:%M") == when

    page = client.get(f"/dashboard/live/{stream.pk}/").content.decode()
    assert key_on(page) is None  # never shown until asked for
    assert "rtmp://ingest.test:1935/live" in page

    revealed = client.post(f"/dashboard/live/{stream.pk}/key/")
    assert revealed["Cache-Control"] == "private, no-store"
    key = key_on(revealed.content.decode())
    assert key == live.stream_key_reveal(stream=stream, actor=creator)

    rotated = key_on(client.post(f"/dashboard/live/{stream.pk}/key/", {"rotate": "1"}).content.decode())
    assert rotated and rotated != key
    assert live.stream_key_reveal(stream=Stream.objects.get(pk=stream.pk), actor=creator) == rotated

    assert client.post(f"/dashboard/live/{stream.pk}/start/").status_code == 302
    assert Stream.objects.get(pk=stream.pk).status == "live"
    assert "End stream" in client.get(f"/dashboard/live/{stream.pk}/").content.decode()
    client.post(f"/dashboard/live/{stream.pk}/end/")
    assert Stream.objects.get(pk=stream.pk).status == "ended"
    # An ended stream's key is gone for good: the service refuses rotation, the page says why.
    follow = client.post(f"/dashboard/live/{stream.pk}/key/", {"rotate": "1"}, follow=True)
    assert "This stream is over." in follow.content.decode()


def test_invalid_stream_form_shows_errors(dashboard_client, creator):
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = dashboard_client(creator).post(
        "/dashboard/live/", {"title": "Late", "category": "other", "visibility": "public", "scheduled_for": past}
    )
    assert response.status_code == 400
    assert "Schedule the stream in the future." in response.content.decode()
    assert not Stream.objects.exists()


def test_another_creator_gets_404_and_never_the_key(dashboard_client, creator, second_creator):
    stream, key = live.stream_create(host=creator, title="Cora live")
    intruder = dashboard_client(second_creator)
    assert "Cora live" not in intruder.get("/dashboard/live/").content.decode()
    assert intruder.get(f"/dashboard/live/{stream.pk}/").status_code == 404
    response = intruder.post(f"/dashboard/live/{stream.pk}/key/")
    assert response.status_code == 404 and key not in response.content.decode()
    assert intruder.post(f"/dashboard/live/{stream.pk}/key/", {"rotate": "1"}).status_code == 404
    assert intruder.post(f"/dashboard/live/{stream.pk}/cancel/").status_code == 404
    assert Stream.objects.get(pk=stream.pk).status == "scheduled"
    assert live.stream_key_reveal(stream=stream, actor=creator) == key


def _cookie(client) -> list:
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), (b"origin", b"http://127.0.0.1")]


async def _receive_until(communicator, kind, **match):
    for _ in range(10):
        event = json.loads(await communicator.receive_from(timeout=5))
        if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
            return event
    raise AssertionError(f"no {kind} event")


async def test_host_chat_panel_socket_receives_and_moderates(dashboard_client, creator, user):
    stream = await database_sync_to_async(lambda: live.stream_start(
        stream=live.stream_create(host=creator, title="Chat test")[0], actor=creator
    ))()  # fmt: skip
    page = await database_sync_to_async(lambda: dashboard_client(creator))()
    html = (await database_sync_to_async(page.get)(f"/dashboard/live/{stream.pk}/")).content.decode()
    path = re.search(r'data-socket="([^"]+)"', html).group(1)
    assert path == f"/ws/streams/{stream.pk}/chat/"

    host = WebsocketCommunicator(application, path, headers=_cookie(page))
    connected, _ = await host.connect()
    assert connected
    joined = await _receive_until(host, "system", event="joined")
    assert joined["you"]["is_moderator"] is True and joined["you"]["user_id"] == str(creator.pk)

    message = await database_sync_to_async(live.chat_message_send)(stream_id=stream.pk, user=user, body="hello cora")
    chat = await _receive_until(host, "chat")
    assert (chat["message"]["body"], chat["message"]["user"]["username"]) == ("hello cora", "ana")

    await host.send_to(
        text_data=json.dumps({"type": "moderate", "action": "delete_message", "message_id": str(message.pk)})
    )
    moderation = await _receive_until(host, "moderation")
    assert moderation["action"] == "delete_message" and moderation["message_ids"] == [str(message.pk)]
    assert not await database_sync_to_async(ChatMessage.objects.filter(pk=message.pk).exists)()

    await host.send_to(text_data=json.dumps({"type": "chat", "body": "welcome!"}))
    own = await _receive_until(host, "chat")
    assert own["message"]["body"] == "welcome!"
    await host.disconnect()


async def test_a_session_waiting_for_its_second_factor_cannot_open_the_chat(client, creator, totp_device):
    stream = await database_sync_to_async(lambda: live.stream_start(
        stream=live.stream_create(host=creator, title="Locked")[0], actor=creator
    ))()  # fmt: skip
    device = await database_sync_to_async(totp_device)(creator)
    await database_sync_to_async(client.post)("/accounts/login/", {"login": "cora", "password": PASSWORD})
    socket = WebsocketCommunicator(application, f"/ws/streams/{stream.pk}/chat/", headers=_cookie(client))
    connected, _ = await socket.connect()
    assert connected  # accepted as an anonymous socket, which must still authenticate
    await socket.send_to(text_data=json.dumps({"type": "chat", "body": "as cora?"}))
    error = await _receive_until(socket, "error")
    assert error["code"] == "not_joined"
    await socket.disconnect()
    # After the code, the same browser session is the host.
    await database_sync_to_async(client.post)("/dashboard/verify/", {"code": totp_code(device)})
    socket = WebsocketCommunicator(application, f"/ws/streams/{stream.pk}/chat/", headers=_cookie(client))
    assert (await socket.connect())[0]
    joined = await _receive_until(socket, "system", event="joined")
    assert joined["you"]["user_id"] == str(creator.pk)
    await socket.disconnect()


@pytest.mark.parametrize("count", [1, 8])
def test_streams_list_query_count_is_flat(dashboard_client, creator, count, django_assert_num_queries):
    for i in range(count):
        live.stream_create(host=creator, title=f"Stream {i}")
    client = dashboard_client(creator)
    client.get("/dashboard/live/")
    # session, user, the visibility rule's lookups, count, page of streams (host and tier joined)
    with django_assert_num_queries(6):
        assert client.get("/dashboard/live/").status_code == 200
