"""Payments fixtures: Stripe pointed at a real localstripe, signed webhook delivery, test cards."""

import json
import time
import uuid

import pytest
import stripe

from payments import gateway

WEBHOOK_SECRET = "whsec_socialflow_test"


@pytest.fixture
def stripe_on(settings, localstripe_url):
    """Payments configured against the session's localstripe."""
    settings.STRIPE_SECRET_KEY = "sk_test_socialflow"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_socialflow"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.PAYOUT_HOLD_DAYS = 7
    return localstripe_url


@pytest.fixture
def stripe_api(stripe_on):
    """A raw Stripe client for what the test itself does at Stripe (cards, refunds, events)."""
    return stripe.StripeClient("sk_test_socialflow", base_addresses={"api": stripe_on}, max_network_retries=0)


@pytest.fixture
def card(stripe_api):
    """`card()` → a fresh PaymentMethod id for Stripe's always-succeeding test card."""

    def make(number="4242424242424242"):
        pm = stripe_api.v1.payment_methods.create(
            params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
        )
        return pm.id

    return make


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signature}"


def make_event(event_type: str, obj: dict, *, event_id: str | None = None, account: str | None = None) -> dict:
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }
    if account:
        event["account"] = account
    return event


@pytest.fixture
def deliver(api_client, django_capture_on_commit_callbacks):
    """`deliver(event)` → POST it signed to the webhook endpoint and run the processing task."""

    def post(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, header: str | None = None):
        payload = json.dumps(event)
        signature = header if header is not None else sign(payload, secret=secret, timestamp=timestamp)
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(
                "/api/v1/payments/webhooks/stripe",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )

    return post


@pytest.fixture
def stripe_events(stripe_api):
    """`stripe_events(type, object_id)` → the events localstripe itself emitted for an object."""

    def find(event_type: str, object_id: str) -> list[dict]:
        found, params = [], {"limit": 100, "type": event_type}
        while True:
            page = stripe_api.v1.events.list(params=params).to_dict()
            found += [e for e in page["data"] if gateway.object_id(e["data"]["object"]) == object_id]
            if not page["has_more"]:
                return found
            params["starting_after"] = page["data"][-1]["id"]

    return find
