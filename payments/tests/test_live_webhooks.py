"""End to end with nothing in between: localstripe itself signs and posts its webhooks to a live server."""

import time

import pytest
import requests
from django.conf import settings

from payments import selectors, services
from payments.models import Subscription, WebhookEvent
from payments.tests.conftest import WEBHOOK_SECRET


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="a live server thread and the test writing one in-memory SQLite lock each other"
)
@pytest.mark.django_db(transaction=True)
def test_localstripe_delivers_invoice_paid_to_the_endpoint(stripe_on, live_server, user, creator, card, client_for):
    # Only this event type, so later tests' events are not posted to this (then stopped) server.
    requests.post(
        f"{stripe_on}/_config/webhooks/socialflow-live",
        data={
            "url": f"{live_server.url}/api/v1/payments/webhooks/stripe",
            "secret": WEBHOOK_SECRET,
            "events[]": ["invoice.payment_succeeded"],
        },  # fmt: skip
        timeout=5,
    ).raise_for_status()
    tier = services.tier_create(creator=creator, name="Live", price_amount=700, currency="usd")
    response = client_for(user).post(
        "/api/v1/subscriptions", {"tier": str(tier.pk), "payment_method": card()}, format="json"
    )
    assert response.status_code == 201, response.content
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        sub = Subscription.objects.get(pk=response.json()["id"])
        if sub.paid_through is not None:
            break
        time.sleep(0.2)
    assert sub.paid_through is not None, "localstripe's signed webhook never arrived"
    assert WebhookEvent.objects.filter(type="invoice.payment_succeeded", status="processed").count() == 1
    assert selectors.subscription_grants_access(fan=user, creator=creator) is True
