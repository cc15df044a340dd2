import json
from datetime import timedelta

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from livestream import services
from livestream.routing import websocket_urlpatterns
from payments.models import Subscription, Tier

# The same stack socialflow.asgi serves (tests may not import the project layer above this app).
application = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


@pytest.fixture(autouse=True)
def _self_hosted(settings):
    settings.USE_IVS = False
    settings.LIVE_RTMP_INGEST_URL = "rtmp://ingest.test:1935/live"
    settings.LIVE_HLS_PLAYBACK_BASE = "https://hls.test/live"
    settings.IVS_WEBHOOK_SECRET = "ivs-shared-secret-for-tests"
    settings.LIVE_CHAT_RATE_PER_SECOND = 1.0
    settings.LIVE_CHAT_BURST = 3


@pytest.fixture
def make_stream(creator):
    def make(host=None, **kwargs):
        kwargs.setdefault("title", "Morning climb")
        stream, _key = services.stream_create(host=host or creator, **kwargs)
        return stream

    return make


@pytest.fixture
def live_stream(make_stream, creator):
    stream = make_stream()
    return services.stream_start(stream=stream, actor=creator)


@pytest.fixture
def subscribe():
    """A paid-up subscription (payments' Stripe flow is that app's concern; here it is the starting state)."""

    def make(fan, creator, price=500):
        tier = Tier.objects.filter(creator=creator, price_amount=price).first() or Tier.objects.create(
            creator=creator, name=f"Tier {price}", price_amount=price
        )
        Subscription.objects.create(
            fan=fan, creator=creator, tier=tier, status=Subscription.Status.ACTIVE,
            paid_through=timezone.now() + timedelta(days=30),
        )  # fmt: skip
        return tier

    return make


def access_token_for(user) -> str:
    """A real access token from a signed-in session (users' session service, as the login API does)."""
    from users.services.sessions import session_start

    _session, pair = session_start(user=user)
    return pair["access"]


class ChatClient:
    """A websocket chat client over the project's full ASGI app (origin check, auth middleware)."""

    def __init__(self, stream_id, headers=None):
        self.comm = WebsocketCommunicator(
            application,
            f"/ws/streams/{stream_id}/chat/",
            headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), *(headers or [])],
        )

    async def connect(self):
        return await self.comm.connect(timeout=5)

    async def send(self, payload):
        await self.comm.send_to(text_data=json.dumps(payload))

    async def recv(self, timeout=3):
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def recv_type(self, kind, timeout=3):
        """Next message of `kind`, skipping others (viewer counts arrive whenever presence changes)."""
        while True:
            msg = await self.recv(timeout=timeout)
            if msg["type"] == kind:
                return msg

    async def join(self, user=None, viewer_key=None):
        connected, code = await self.connect()
        assert connected, code
        if user is not None:
            token = await database_sync_to_async(access_token_for)(user)
            await self.send({"type": "auth", "token": token})
        else:
            await self.send({"type": "join", "viewer_key": viewer_key or ""})
        joined = await self.recv_type("system")
        assert joined["event"] == "joined", joined
        return joined

    async def nothing(self, timeout=0.3):
        return await self.comm.receive_nothing(timeout=timeout)

    async def close(self):
        await self.comm.disconnect()


@pytest.fixture
def chat_client():
    clients = []

    def make(stream_id, headers=None):
        client = ChatClient(stream_id, headers)
        clients.append(client)
        return client

    yield make


# Stripe on localstripe, cards and signed webhook delivery: payments' own test fixtures, reused so the
# donation tests go through the real tip → webhook → hook path.
from payments.tests.conftest import card, deliver, stripe_api, stripe_on  # noqa: E402, F401
