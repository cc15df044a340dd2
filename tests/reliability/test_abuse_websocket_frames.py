"""A 20 MB websocket frame on the chat and notification sockets closes the connection.

Runs the real server (daphne, as deployed) on a loopback port: the frame limit is daphne's
`--websocket_max_message_size` (1 MiB by default), enforced before the application reads a byte.
Both sockets accept anonymous connections and wait for an auth message, which is when an attacker
would send the frame.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import pytest

from tests.servers import free_port

pytestmark = pytest.mark.slow

FRAME = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def daphne_url():
    port = free_port()
    daphne = Path(sys.executable).with_name("daphne")
    log = tempfile.NamedTemporaryFile(prefix="daphne-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "socialflow.asgi:application"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TESTING": "1"},
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 60
        import socket

        while time.monotonic() < deadline:
            assert proc.poll() is None, Path(log.name).read_text()[-2000:]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"ws://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def _send_huge_frame(url: str):
    origin = {"Origin": "http://127.0.0.1"}
    async with aiohttp.ClientSession() as session, session.ws_connect(url, headers=origin) as ws:
        try:
            await ws.send_str("x" * FRAME)
        except (ConnectionError, aiohttp.ClientError):
            return "reset while sending", None  # the server dropped the connection mid-frame
        message = await asyncio.wait_for(ws.receive(), timeout=20)
        while message.type == aiohttp.WSMsgType.TEXT:  # an error frame may come first
            message = await asyncio.wait_for(ws.receive(), timeout=20)
        return message.type, ws.close_code


@pytest.mark.parametrize("path", ["/ws/notifications/", f"/ws/streams/{uuid.uuid4()}/chat/"])
def test_twenty_megabyte_frame_closes_the_socket(daphne_url, path):
    kind, code = asyncio.run(_send_huge_frame(daphne_url + path))
    if kind != "reset while sending":
        assert kind in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING), kind
        assert code in (1009, 1006, 4009), code


def test_an_ordinary_frame_keeps_the_socket_open(daphne_url):
    """The control: the same socket takes a normal message (so the close above is the size)."""

    async def probe():
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(daphne_url + "/ws/notifications/", headers={"Origin": "http://127.0.0.1"}) as ws,
        ):
            await ws.send_str('{"type": "ping"}')
            await asyncio.sleep(0.5)
            return ws.closed

    assert asyncio.run(probe()) is False
