"""Sockets that never authenticate: no database needed, so no transactional flush per test."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from notifications import consumers
from notifications.tests.test_websocket import _recv, _socket, application

pytestmark = [pytest.mark.asyncio]


async def test_bad_token_is_closed():
    comm = _socket()
    await comm.connect(timeout=5)
    await comm.send_to(text_data=json.dumps({"type": "auth", "token": "not-a-jwt"}))
    assert (await _recv(comm))["code"] == "not_authenticated"
    assert await comm.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}
    await comm.wait(timeout=3)  # let the consumer finish, so teardown has nothing left running


async def test_anything_but_auth_first_is_closed():
    comm = _socket()
    await comm.connect(timeout=5)
    await comm.send_to(text_data=json.dumps({"type": "ping"}))
    assert (await _recv(comm))["type"] == "error"
    assert (await comm.receive_output(timeout=3))["code"] == 4401
    await comm.wait(timeout=3)


async def test_silent_socket_is_closed_after_the_timeout(monkeypatch):
    monkeypatch.setattr(consumers.NotificationConsumer, "auth_timeout", 0.2)
    comm = _socket()
    await comm.connect(timeout=5)
    assert (await _recv(comm))["code"] == "not_authenticated"
    assert (await comm.receive_output(timeout=3))["code"] == 4401


async def test_foreign_origin_is_rejected():
    comm = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await comm.connect(timeout=5)
    assert connected is False
    await comm.wait(timeout=3)
