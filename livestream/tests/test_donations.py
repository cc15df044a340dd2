"""A tip to a stream shows in chat as a donation only after the payment webhook, exactly once."""

import json

import pytest
from channels.db import database_sync_to_async

from livestream.models import ChatMessage, StreamDonation
from payments.models import Tip
from payments.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def _tip(client_for, fan, stream, card, key):
    body = {
        "creator": str(stream.host_id), "amount": 700, "currency": "usd", "payment_method": card(),
        "message": "great send!", "target_type": "live_stream", "target_id": str(stream.pk),
    }  # fmt: skip
    res = client_for(fan).post("/api/v1/tips", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert res.status_code == 201, res.content
    return Tip.objects.get(pk=res.json()["tip"]["id"])


def _succeeded(tip):
    return make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})


def test_donation_message_only_after_payment_webhook(stripe_on, live_stream, user, client_for, card, deliver):
    tip = _tip(client_for, user, live_stream, card, "don-1")
    assert not ChatMessage.objects.filter(kind="donation").exists()  # pending: nothing in chat yet
    event = _succeeded(tip)
    assert deliver(event).status_code == 200
    assert deliver(event).status_code == 200  # a redelivered webhook
    message = ChatMessage.objects.get(kind="donation")
    assert message.user == user and message.body == "Ana donated 7.00 USD: great send!"
    assert message.data == {"amount": 700, "currency": "usd", "tip_id": str(tip.pk), "message": "great send!"}
    donation = StreamDonation.objects.get()
    assert (donation.amount, donation.currency, donation.chat_message_id) == (700, "usd", message.pk)
    analytics = client_for(live_stream.host).get(f"/api/v1/streams/{live_stream.pk}/analytics").json()
    assert analytics["donations"] == [{"currency": "usd", "total_amount": 700, "count": 1}]


def test_hook_ignores_other_targets_and_foreign_streams(live_stream, user, other_user, make_stream):
    from livestream.services import stream_tip_succeeded

    other_host_stream = make_stream(host=other_user)
    base = {"fan": user, "creator": live_stream.host, "amount": 500, "currency": "usd", "status": "succeeded"}
    assert stream_tip_succeeded(Tip(**base, target_type="post", target_id=str(live_stream.pk))) is None
    assert stream_tip_succeeded(Tip(**base, target_type="live_stream", target_id="s1")) is None
    # A tip to cora that names ben's stream is not shown in ben's chat.
    assert stream_tip_succeeded(Tip(**base, target_type="live_stream", target_id=str(other_host_stream.pk))) is None
    assert (
        stream_tip_succeeded(
            Tip(**{**base, "status": "pending"}, target_type="live_stream", target_id=str(live_stream.pk))
        )
        is None
    )
    assert not StreamDonation.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_donation_broadcast_to_the_room_after_webhook(
    stripe_on, live_stream, user, client_for, card, deliver, chat_client
):
    viewer = chat_client(live_stream.pk)
    await viewer.join()
    await viewer.recv_type("viewer_count")
    tip = await database_sync_to_async(_tip)(client_for, user, live_stream, card, "don-3")
    assert await viewer.nothing(timeout=0.5)  # no donation while the payment is pending
    await database_sync_to_async(deliver)(_succeeded(tip))
    event = await viewer.recv_type("donation")
    assert event["message"]["kind"] == "donation" and event["message"]["data"]["amount"] == 700
    assert json.dumps(event)  # plain JSON for clients
    await viewer.close()
