"""Exactly-once under real concurrency (PostgreSQL, threads with their own connections)."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from payments import ledger
from payments.models import ConnectAccount, JournalEntry, Payout, Tip, WebhookEvent
from payments.tests.conftest import make_event, sign

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locks and real concurrency"),
]

hook_calls = []
_lock = threading.Lock()


def count_hook(tip):
    with _lock:
        hook_calls.append(tip.pk)


def _in_threads(n, fn):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return fn(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_ten_identical_tip_requests_make_one_payment_intent(stripe_on, settings, user, creator, card):
    settings.IDEMPOTENCY_WAIT_SECONDS = 20
    body = {"creator": str(creator.pk), "amount": 700, "currency": "usd", "payment_method": card()}

    def post(_):
        return _client(user).post("/api/v1/tips", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key")

    responses = _in_threads(10, post)
    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["payment_intent"]["id"] for r in responses}) == 1
    assert sum(1 for r in responses if r.headers.get("Idempotent-Replayed") == "true") == 9
    tip = Tip.objects.get()
    assert tip.stripe_payment_intent_id == responses[0].json()["payment_intent"]["id"]

    event = make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    payload = json.dumps(event)
    response = APIClient().post(
        "/api/v1/payments/webhooks/stripe",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload),
    )
    assert response.status_code == 200
    assert JournalEntry.objects.filter(kind="earning").count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_webhook_five_times_concurrently_has_one_effect(stripe_on, settings, user, creator, card):
    settings.PAYMENTS_TIP_SUCCEEDED_HOOKS = [f"{__name__}.count_hook"]
    hook_calls.clear()
    body = {"creator": str(creator.pk), "amount": 900, "currency": "usd", "payment_method": card()}
    tip = Tip.objects.get(pk=_client(user).post("/api/v1/tips", body, format="json").json()["tip"]["id"])
    same = make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    payload = json.dumps(same)

    def deliver(i):
        # Four deliveries of one event, and one more under a different event id for the same payment.
        body = payload if i < 4 else json.dumps({**same, "id": "evt_other_id_same_payment"})
        return APIClient().post(
            "/api/v1/payments/webhooks/stripe",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body),
        )

    responses = _in_threads(5, deliver)
    assert [r.status_code for r in responses] == [200] * 5
    assert WebhookEvent.objects.count() == 2
    assert JournalEntry.objects.filter(kind="earning").count() == 1
    assert hook_calls == [tip.pk]
    from notifications.models import Notification

    assert Notification.objects.filter(recipient=creator, type="tip_received").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_payouts_cannot_spend_the_balance_twice(stripe_on, creator):
    ConnectAccount.objects.create(user=creator, stripe_account_id="acct_race", payouts_enabled=True)
    earning = ledger.ledger_post_earning(
        external_key="earning:ch_race", creator=creator, gross=5000, currency="usd", source="tip"
    )
    ledger.ledger_release_earning(earning=earning)

    def request(i):
        # The transfer itself is not under test here: keep it from running (no on-commit task).
        return _client(creator).post("/api/v1/payouts", {"amount": 3000}, format="json")

    from unittest import mock

    with mock.patch("payments.tasks.payout_execute_task.delay"):
        responses = _in_threads(4, request)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert Payout.objects.filter(status="pending").count() == 1
    assert ledger.creator_balances(user=creator, currency="usd")["available"] == 1500
