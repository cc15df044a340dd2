"""Tiers and subscriptions against a real localstripe, status following Stripe through webhooks."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from payments import selectors, services
from payments.models import JournalEntry, Subscription, Tier
from payments.tests.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier(stripe_on, creator):
    return services.tier_create(creator=creator, name="Gold", price_amount=500, currency="usd", benefits=["Early"])


def _subscribe(client_for, fan, tier, card, key="sub-1"):
    return client_for(fan).post(
        "/api/v1/subscriptions",
        {"tier": str(tier.pk), "payment_method": card()},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_tier_create_makes_product_and_plan(stripe_api, creator, client_for):
    response = client_for(creator).post(
        "/api/v1/tiers",
        {"name": "Silver", "price_amount": 300, "currency": "usd", "benefits": ["Shout-out"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["price_amount"] == 300 and body["benefits"] == ["Shout-out"]
    tier = Tier.objects.get(pk=body["id"])
    plan = stripe_api.v1.plans.retrieve(tier.stripe_plan_id)
    assert (plan.amount, plan.currency, plan.interval, plan.product) == (300, "usd", "month", tier.stripe_product_id)


def test_tier_create_needs_creator_role(stripe_on, user, client_for):
    response = client_for(user).post("/api/v1/tiers", {"name": "X", "price_amount": 300}, format="json")
    assert response.status_code == 403


def test_user_tiers_lists_active_tiers_publicly(tier, creator, api_client):
    services.tier_create(creator=creator, name="Hidden", price_amount=900, currency="usd", is_active=False)
    response = api_client.get(f"/api/v1/users/{creator.pk}/tiers")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == ["Gold"]


def test_price_change_makes_new_plan_and_keeps_existing_subscribers(tier, user, creator, client_for, card, stripe_api):
    response = _subscribe(client_for, user, tier, card)
    assert response.status_code == 201, response.content
    old_plan = tier.stripe_plan_id
    response = client_for(creator).patch(f"/api/v1/tiers/{tier.pk}", {"price_amount": 800}, format="json")
    assert response.status_code == 200
    tier.refresh_from_db()
    assert tier.stripe_plan_id != old_plan
    assert stripe_api.v1.plans.retrieve(tier.stripe_plan_id).amount == 800
    sub = Subscription.objects.get(fan=user)
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id).to_dict()
    assert remote["items"]["data"][0]["plan"]["id"] == old_plan
    assert sub.price_amount == 500


def test_subscribe_pay_access_cancel_ends_at_period_end(
    tier, user, creator, client_for, card, deliver, stripe_events, stripe_api
):
    response = _subscribe(client_for, user, tier, card)
    assert response.status_code == 201, response.content
    sub = Subscription.objects.get(pk=response.json()["id"])
    assert sub.stripe_subscription_id.startswith("sub_")
    # Stripe charged the card; access starts when the invoice-paid webhook arrives.
    assert selectors.subscription_grants_access(fan=user, creator=creator) is False

    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id)
    [event] = stripe_events("invoice.payment_succeeded", remote.latest_invoice)
    assert deliver(event).status_code == 200

    sub.refresh_from_db()
    assert sub.status == Subscription.Status.ACTIVE
    assert sub.paid_through == dt.datetime.fromtimestamp(remote.current_period_end, tz=dt.UTC)
    assert selectors.subscription_grants_access(fan=user, creator=creator) is True
    assert selectors.subscription_grants_access(fan=user, creator=creator, min_tier=tier) is True
    entry = JournalEntry.objects.get(kind="earning", creator=creator)
    assert (entry.amount, entry.source) == (500, "subscription")
    assert creator.pk in selectors.subscribed_creator_tiers(fan=user)

    response = client_for(user).post(f"/api/v1/subscriptions/{sub.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["cancel_at_period_end"] is True
    assert selectors.subscription_grants_access(fan=user, creator=creator) is True  # paid until period end

    after_period = sub.paid_through + dt.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=after_period):
        assert selectors.subscription_grants_access(fan=user, creator=creator) is False

    # At period end Stripe deletes the subscription and says so.
    stripe_api.v1.subscriptions.cancel(sub.stripe_subscription_id)
    deliver(make_event("customer.subscription.deleted", {"id": sub.stripe_subscription_id, "object": "subscription"}))
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELED
    assert selectors.subscription_grants_access(fan=user, creator=creator) is False


def test_resume_undoes_cancel(tier, user, client_for, card):
    sub_id = _subscribe(client_for, user, tier, card).json()["id"]
    client_for(user).post(f"/api/v1/subscriptions/{sub_id}/cancel")
    response = client_for(user).post(f"/api/v1/subscriptions/{sub_id}/resume")
    assert response.status_code == 200 and response.json()["cancel_at_period_end"] is False


def test_one_live_subscription_per_fan_per_creator(tier, user, client_for, card):
    assert _subscribe(client_for, user, tier, card, key="a").status_code == 201
    response = _subscribe(client_for, user, tier, card, key="b")
    assert response.status_code == 409
    assert Subscription.objects.filter(fan=user).count() == 1


def test_idempotency_key_replays_subscription(tier, user, client_for, card):
    pm = card()
    body = {"tier": str(tier.pk), "payment_method": pm}
    first = client_for(user).post("/api/v1/subscriptions", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    second = client_for(user).post("/api/v1/subscriptions", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]


def test_change_tier_moves_plan(tier, user, creator, client_for, card, stripe_api):
    platinum = services.tier_create(creator=creator, name="Platinum", price_amount=1500, currency="usd")
    sub_id = _subscribe(client_for, user, tier, card).json()["id"]
    response = client_for(user).post(
        f"/api/v1/subscriptions/{sub_id}/change-tier", {"tier": str(platinum.pk)}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["tier"]["name"] == "Platinum"
    sub = Subscription.objects.get(pk=sub_id)
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id).to_dict()
    assert remote["items"]["data"][0]["plan"]["id"] == platinum.stripe_plan_id


def test_out_of_order_events_end_in_stripe_state(tier, user, client_for, card, deliver, stripe_api, stripe_events):
    sub = Subscription.objects.get(pk=_subscribe(client_for, user, tier, card).json()["id"])
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id)
    [paid] = stripe_events("invoice.payment_succeeded", remote.latest_invoice)
    stripe_api.v1.subscriptions.cancel(sub.stripe_subscription_id)
    obj = {"id": sub.stripe_subscription_id, "object": "subscription", "status": "active"}
    # deleted first, then the older "updated" (status active in its stale copy), then the old invoice.
    deliver(make_event("customer.subscription.deleted", {**obj, "status": "canceled"}))
    deliver(make_event("customer.subscription.updated", obj))
    deliver(paid)
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELED
    assert selectors.subscription_grants_access(fan=user, creator=tier.creator) is False


def test_payment_failed_marks_past_due(tier, user, client_for, card, deliver, stripe_api):
    sub = Subscription.objects.get(pk=_subscribe(client_for, user, tier, card).json()["id"])
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id).to_dict()
    past_due = {**remote, "status": "past_due"}
    with mock.patch("payments.gateway.subscription_retrieve", return_value=past_due):
        deliver(make_event("invoice.payment_failed", {"id": remote["latest_invoice"], "object": "invoice"}))
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.PAST_DUE


def test_subscriptions_lists_and_privacy(tier, user, other_user, creator, client_for, card):
    sub_id = _subscribe(client_for, user, tier, card).json()["id"]
    mine = client_for(user).get("/api/v1/subscriptions").json()["results"]
    assert [s["id"] for s in mine] == [sub_id]
    assert client_for(other_user).get("/api/v1/subscriptions").json()["results"] == []
    assert client_for(other_user).get(f"/api/v1/subscriptions/{sub_id}").status_code == 404
    assert client_for(other_user).post(f"/api/v1/subscriptions/{sub_id}/cancel").status_code == 404
    subscribers = client_for(creator).get("/api/v1/subscribers").json()["results"]
    assert [(s["fan"]["username"], s["tier"]["name"]) for s in subscribers] == [("ana", "Gold")]
    assert client_for(other_user).get("/api/v1/subscribers").json()["results"] == []


def test_cannot_subscribe_to_self(tier, creator, client_for, card):
    assert _subscribe(client_for, creator, tier, card).status_code == 400


def test_premium_plan_is_platform_tiers(stripe_on, user, client_for, card, deliver, stripe_api, stripe_events):
    from users.tests.factories import UserFactory

    platform = UserFactory(username="socialflow")
    premium = services.tier_create(creator=platform, name="Premium", price_amount=499, currency="usd")
    assert selectors.user_has_premium(user=user) is False
    sub = Subscription.objects.get(pk=_subscribe(client_for, user, premium, card).json()["id"])
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id)
    [event] = stripe_events("invoice.payment_succeeded", remote.latest_invoice)
    deliver(event)
    assert selectors.user_has_premium(user=user) is True
    entry = JournalEntry.objects.get(kind="earning", creator=platform)
    assert entry.source == "platform"
    assert {line.account.kind: line.amount for line in entry.lines.all()} == {
        "stripe_balance": 499,
        "platform_revenue": -499,
    }
    assert timezone.now() < sub.__class__.objects.get(pk=sub.pk).paid_through


def test_declined_first_payment_stays_incomplete_and_a_retry_replaces_it(tier, user, client_for, card):
    response = _subscribe(client_for, user, tier, lambda: card("4000000000000341"), key="declined")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["has_access"]) == ("incomplete", False)
    retry = _subscribe(client_for, user, tier, card, key="retry")
    assert retry.status_code == 201, retry.content
    assert retry.json()["status"] == "active"
    statuses = sorted(Subscription.objects.filter(fan=user).values_list("status", flat=True))
    assert statuses == ["active", "canceled"]


def test_creator_told_of_new_subscriber_and_fan_of_the_end(
    tier, user, creator, client_for, card, deliver, stripe_api, stripe_events
):
    from notifications.models import Notification

    sub = Subscription.objects.get(pk=_subscribe(client_for, user, tier, card).json()["id"])
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id)
    [event] = stripe_events("invoice.payment_succeeded", remote.latest_invoice)
    deliver(event)
    deliver(make_event("invoice.paid", {"id": remote.latest_invoice, "object": "invoice"}))  # same invoice again
    assert list(Notification.objects.filter(recipient=creator).values_list("type", flat=True)) == ["subscription_new"]
    assert JournalEntry.objects.filter(kind="earning").count() == 1
    stripe_api.v1.subscriptions.cancel(sub.stripe_subscription_id)
    deliver(make_event("customer.subscription.deleted", {"id": sub.stripe_subscription_id, "object": "subscription"}))
    deliver(make_event("customer.subscription.deleted", {"id": sub.stripe_subscription_id, "object": "subscription"}))
    assert Notification.objects.filter(recipient=user, type="subscription_ended").count() == 1


def test_invoice_in_newer_api_shape_finds_its_charge(tier, user, client_for, card, deliver, stripe_api):
    """Newer Stripe API versions drop `invoice.charge`/`subscription`; the payment is in the invoice's
    payments list and the subscription under `parent`. Answered at the HTTP boundary for that shape."""
    import responses

    sub = Subscription.objects.get(pk=_subscribe(client_for, user, tier, card).json()["id"])
    remote = stripe_api.v1.subscriptions.retrieve(sub.stripe_subscription_id).to_dict()
    invoice = stripe_api.v1.invoices.retrieve(remote["latest_invoice"]).to_dict()
    charge = invoice["charge"]["id"]
    pi = invoice["charge"]["payment_intent"]
    new_shape = {k: v for k, v in invoice.items() if k not in ("charge", "subscription", "payment_intent")}
    new_shape["parent"] = {
        "type": "subscription_details",
        "subscription_details": {"subscription": sub.stripe_subscription_id},
    }
    from django.conf import settings

    base = settings.STRIPE_API_BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(base)
        mock.get(f"{base}/v1/invoices/{invoice['id']}", json=new_shape)
        mock.get(
            f"{base}/v1/invoice_payments",
            json={"object": "list", "has_more": False, "data": [
                {"object": "invoice_payment", "status": "paid", "payment": {"type": "payment_intent", "payment_intent": pi}}
            ]},
        )  # fmt: skip
        deliver(make_event("invoice.paid", {"id": invoice["id"], "object": "invoice"}))
    assert JournalEntry.objects.get(kind="earning").external_key == f"earning:{charge}"
    sub.refresh_from_db()
    assert sub.paid_through is not None
