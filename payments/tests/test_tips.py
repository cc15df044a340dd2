"""Tips against localstripe: PaymentIntent now, recorded on the webhook, posted to the ledger, hooks called."""

from unittest import mock

import pytest

from payments import ledger
from payments.models import JournalEntry, Tip, WebhookEvent
from payments.tests.conftest import make_event
from users.models import Block

pytestmark = pytest.mark.django_db

hook_calls = []


def record_hook(tip):
    hook_calls.append((tip.pk, tip.status, tip.target_type))


def failing_hook(tip):
    raise RuntimeError("chat is down")


def _tip(client_for, fan, creator, card, key="tip-1", **extra):
    body = {"creator": str(creator.pk), "amount": 500, "currency": "usd", "payment_method": card(), **extra}
    return client_for(fan).post("/api/v1/tips", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _succeed(deliver, tip):
    return deliver(
        make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    )


def test_tip_webhook_records_ledger_notifies_and_calls_hooks(
    stripe_on, settings, user, creator, client_for, card, deliver
):
    settings.PAYMENTS_TIP_SUCCEEDED_HOOKS = [f"{__name__}.failing_hook", f"{__name__}.record_hook"]
    hook_calls.clear()
    response = _tip(client_for, user, creator, card, message="great stream", target_type="live_stream", target_id="s1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tip"]["status"] == "pending"
    assert body["payment_intent"]["id"].startswith("pi_")
    tip = Tip.objects.get(pk=body["tip"]["id"])
    assert JournalEntry.objects.count() == 0  # nothing is booked before Stripe confirms

    assert _succeed(deliver, tip).status_code == 200
    tip.refresh_from_db()
    assert tip.status == Tip.Status.SUCCEEDED and tip.stripe_charge_id.startswith("ch_")
    entry = JournalEntry.objects.get(kind="earning")
    assert (entry.source, entry.source_ref, entry.amount) == ("stream_donation", "live_stream:s1", 500)
    lines = {line.account.kind: line.amount for line in entry.lines.select_related("account")}
    assert lines == {"stripe_balance": 500, "platform_revenue": -50, "creator_pending": -450}
    assert ledger.creator_balances(user=creator, currency="usd") == {"pending": 450, "available": 0, "receivable": 0}
    assert hook_calls == [(tip.pk, "succeeded", "live_stream")]  # the failing hook did not stop it

    from notifications.models import Notification

    assert Notification.objects.filter(recipient=creator, type="tip_received").count() == 1


def test_duplicate_webhook_has_no_second_effect(stripe_on, user, creator, client_for, card, deliver):
    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    event = make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    first, second = deliver(event), deliver(event)
    assert first.status_code == second.status_code == 200
    assert second.json()["duplicate"] is True
    assert WebhookEvent.objects.count() == 1
    assert JournalEntry.objects.count() == 1


def test_same_payment_under_two_event_ids_posts_once(stripe_on, user, creator, client_for, card, deliver):
    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    _succeed(deliver, tip)
    _succeed(deliver, tip)
    assert WebhookEvent.objects.count() == 2
    assert JournalEntry.objects.count() == 1


@pytest.mark.parametrize(
    "how",
    ["wrong_secret", "stale", "garbage", "missing"],
)
def test_bad_signature_is_400_and_stores_nothing(stripe_on, user, creator, client_for, card, deliver, how):
    import time

    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    event = make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    kwargs = {
        "wrong_secret": {"secret": "whsec_other"},
        "stale": {"timestamp": int(time.time()) - 301},
        "garbage": {"header": "t=1,v1=deadbeef"},
        "missing": {"header": ""},
    }[how]
    response = deliver(event, **kwargs)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:socialflow:error:invalid_signature"
    assert WebhookEvent.objects.count() == 0
    tip.refresh_from_db()
    assert tip.status == Tip.Status.PENDING and JournalEntry.objects.count() == 0


def test_tampered_body_is_rejected(stripe_on, api_client):
    import json

    from payments.tests.conftest import sign

    event = make_event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    header = sign(json.dumps(event))
    event["data"]["object"]["id"] = "pi_y"
    response = api_client.post(
        "/api/v1/payments/webhooks/stripe",
        data=json.dumps(event),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400


def test_declined_card_fails_tip(stripe_on, user, creator, client_for, card):
    response = _tip(client_for, user, creator, lambda: card("4000000000000341"))
    assert response.status_code == 422
    assert response.json()["type"] == "urn:socialflow:error:payment_declined"
    assert Tip.objects.get().status == Tip.Status.FAILED


@pytest.mark.parametrize(
    ("amount", "field"),
    [(99, "amount"), (50001, "amount")],
)
def test_tip_limits(stripe_on, user, creator, client_for, card, amount, field):
    body = {"creator": str(creator.pk), "amount": amount, "currency": "usd", "payment_method": card()}
    response = client_for(user).post("/api/v1/tips", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_no_self_tip(stripe_on, creator, client_for, card):
    assert _tip(client_for, creator, creator, card).status_code == 400


def test_blocked_users_cannot_tip(stripe_on, user, creator, client_for, card):
    Block.objects.create(blocker=creator, blocked=user)
    assert _tip(client_for, user, creator, card).status_code == 404
    assert Tip.objects.count() == 0


def test_unverified_users_cannot_tip(stripe_on, unverified_user, creator, client_for, card):
    assert _tip(client_for, unverified_user, creator, card).status_code == 403


def test_tips_are_private_to_fan_and_creator(stripe_on, user, other_user, creator, client_for, card):
    tip_id = _tip(client_for, user, creator, card).json()["tip"]["id"]
    assert client_for(user).get(f"/api/v1/tips/{tip_id}").status_code == 200
    assert client_for(creator).get(f"/api/v1/tips/{tip_id}").status_code == 200
    assert client_for(other_user).get(f"/api/v1/tips/{tip_id}").status_code == 404
    assert client_for(other_user).get("/api/v1/tips").json()["results"] == []


def test_payments_not_configured_is_503_and_config_still_answers(settings, user, creator, client_for, api_client):
    settings.STRIPE_SECRET_KEY = ""
    body = {"creator": str(creator.pk), "amount": 500, "currency": "usd", "payment_method": "pm_card_visa"}
    response = client_for(user).post("/api/v1/tips", body, format="json")
    assert response.status_code == 503
    assert response.json()["detail"] == "payments are not configured"
    config = api_client.get("/api/v1/payments/config")
    assert config.status_code == 200 and config.json()["configured"] is False
    assert client_for(user).get("/api/v1/tips").status_code == 200


def test_refunds_accumulate_in_the_ledger(stripe_on, user, creator, client_for, card, deliver, stripe_api):
    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    _succeed(deliver, tip)
    tip.refresh_from_db()
    stripe_api.v1.refunds.create(params={"charge": tip.stripe_charge_id, "amount": 125})
    deliver(make_event("charge.refunded", {"id": tip.stripe_charge_id, "object": "charge"}))
    stripe_api.v1.refunds.create(params={"charge": tip.stripe_charge_id, "amount": 125})
    deliver(make_event("charge.refunded", {"id": tip.stripe_charge_id, "object": "charge"}))
    refunds = JournalEntry.objects.filter(kind="refund").order_by("occurred_at")
    assert [r.amount for r in refunds] == [125, 125]
    # 450 of 500 is the creator's: 250 refunded → the creator gives back exactly 225.
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 225
    stripe_api.v1.refunds.create(params={"charge": tip.stripe_charge_id})  # the rest (localstripe: full amount)
    deliver(make_event("charge.refunded", {"id": tip.stripe_charge_id, "object": "charge"}))
    assert sum(JournalEntry.objects.filter(kind="refund").values_list("amount", flat=True)) == 500
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 0


def test_dispute_reverses_then_won_restores(stripe_on, user, creator, client_for, card, deliver):
    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    _succeed(deliver, tip)
    tip.refresh_from_db()
    dispute = {"id": "dp_1", "object": "dispute", "amount": 500, "charge": tip.stripe_charge_id, "status": "needs_response",
               "balance_transactions": [{"amount": -500, "fee": 1500}]}  # fmt: skip
    with mock.patch("payments.gateway.dispute_retrieve", return_value=dispute):
        deliver(make_event("charge.dispute.created", {"id": "dp_1", "object": "dispute"}))
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 0
    with mock.patch("payments.gateway.dispute_retrieve", return_value={**dispute, "status": "won"}):
        deliver(make_event("charge.dispute.closed", {"id": "dp_1", "object": "dispute"}))
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 450
    fees = ledger.account_balance(ledger.ledger_account(kind="stripe_fees", currency="usd"))
    assert fees == 1500  # Stripe keeps the dispute fee


def test_admin_refund_then_webhook_reverses_ledger(
    stripe_on, user, creator, moderator, client_for, card, deliver, client
):
    tip = Tip.objects.get(pk=_tip(client_for, user, creator, card).json()["tip"]["id"])
    _succeed(deliver, tip)
    moderator.is_superuser = True
    moderator.save()
    client.force_login(moderator)
    response = client.post(
        "/admin/payments/tip/", {"action": "refund_in_full", "_selected_action": [str(tip.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 450  # not until Stripe says so
    tip.refresh_from_db()
    deliver(make_event("charge.refunded", {"id": tip.stripe_charge_id, "object": "charge"}))
    assert ledger.creator_balances(user=creator, currency="usd")["pending"] == 0


def test_customer_is_created_once_per_user(stripe_on, user, creator, client_for, card):
    from payments.models import StripeCustomer

    _tip(client_for, user, creator, card, key="a")
    _tip(client_for, user, creator, card, key="b")
    assert StripeCustomer.objects.filter(user=user).count() == 1
    assert Tip.objects.filter(fan=user).values("stripe_payment_intent_id").distinct().count() == 2
