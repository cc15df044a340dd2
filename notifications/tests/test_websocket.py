"""The notification socket over the same stack socialflow.asgi serves (origin check, session auth).

With REDIS_URL set (CI) the channel layer is channels-redis, so these run over Redis there."""

import json

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.conf import settings

from notifications.routing import websocket_urlpatterns
from notifications.services import notification_mark_read, notification_send
from notifications.tests.factories import post_ref

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

application = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
ORIGIN = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """Consumers' DB calls run in a worker thread whose connection (CONN_MAX_AGE on PostgreSQL) would
    otherwise outlive the test and block dropping the test database."""
    yield
    from django.db import connections

    await database_sync_to_async(connections.close_all)()


def _access_token(user) -> str:
    from users.services.sessions import session_start

    _session, pair = session_start(user=user)
    return pair["access"]


def _socket(headers=()):
    return WebsocketCommunicator(application, "/ws/notifications/", headers=[*ORIGIN, *headers])


async def _recv(comm, timeout=3):
    return json.loads(await comm.receive_from(timeout=timeout))


async def _signed_in(user):
    comm = _socket()
    connected, _ = await comm.connect(timeout=5)
    assert connected
    token = await database_sync_to_async(_access_token)(user)
    await comm.send_to(text_data=json.dumps({"type": "auth", "token": token}))
    return comm, await _recv(comm)


async def test_runs_on_the_configured_layer():
    expected = "channels_redis" if settings.REDIS_URL else "channels.layers"
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith(expected)


async def test_token_in_first_message_then_live_notifications_and_counts(user, other_user):
    await database_sync_to_async(notification_send)(
        recipient=user, type="mention", actor=other_user, target=post_ref(9)
    )
    comm, ready = await _signed_in(user)
    assert ready == {"type": "ready", "unread_count": 1}

    n = await database_sync_to_async(notification_send)(
        recipient=user, type="comment", actor=other_user, target=post_ref(1, "Hello"), data={"text": "Nice!"}
    )
    msg = await _recv(comm)
    assert msg["type"] == "notification" and msg["unread_count"] == 2
    assert msg["notification"]["id"] == str(n.id)
    assert msg["notification"]["actor"]["username"] == "ben"
    assert msg["notification"]["target"]["snapshot"] == {"text": "Hello"}

    await database_sync_to_async(notification_mark_read)(viewer=user, notification_id=n.id)
    assert await _recv(comm) == {"type": "unread_count", "unread_count": 1}

    await comm.send_to(text_data=json.dumps({"type": "ping"}))
    assert await _recv(comm) == {"type": "pong"}
    await comm.disconnect()


async def test_other_users_events_do_not_reach_my_socket(user, other_user, creator):
    comm, _ready = await _signed_in(user)
    await database_sync_to_async(notification_send)(recipient=other_user, type="comment", actor=creator)
    assert await comm.receive_nothing(timeout=0.5)
    await comm.disconnect()


async def test_session_cookie_authenticates_on_connect(user):
    def cookie_for(u):
        from django.test import Client

        c = Client()
        c.force_login(u)
        return c.cookies["sessionid"].value

    cookie = await database_sync_to_async(cookie_for)(user)
    comm = _socket([(b"cookie", f"sessionid={cookie}".encode())])
    connected, _ = await comm.connect(timeout=5)
    assert connected
    assert await _recv(comm) == {"type": "ready", "unread_count": 0}
    await comm.disconnect()
