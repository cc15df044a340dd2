"""Connect payouts. localstripe has no Connect, accounts or transfers: those are answered at the HTTP
boundary (`responses`) with Stripe-shaped JSON; everything on our side is real."""

import datetime as dt

import pytest
import responses
from django.utils import timezone

from payments import ledger
from payments.models import ConnectAccount, JournalEntry, Payout
from payments.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def account_json(**overrides):
    body = {
        "id": "acct_1Creator",
        "object": "account",
        "type": "express",
        "charges_enabled": False,
        "payouts_enabled": False,
        "details_submitted": False,
        "requirements": {"currently_due": ["external_account", "tos_acceptance.date"]},
    }
    return {**body, **overrides}


def transfer_json(**overrides):
    body = {"id": "tr_1Payout", "object": "transfer", "amount": 2000, "currency": "usd", "destination": "acct_1Creator",
            "reversed": False, "amount_reversed": 0}  # fmt: skip
    return {**body, **overrides}


@pytest.fixture
def stripe_http(stripe_on):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(stripe_on)  # anything not answered below goes to the real localstripe
        yield mock


def earn(creator, gross, key, *, release=True):
    entry = ledger.ledger_post_earning(
        external_key=key, creator=creator, gross=gross, currency="usd", source=JournalEntry.Source.TIP
    )
    if release:
        ledger.ledger_release_matured(now=timezone.now() + dt.timedelta(days=8))
    return entry


@pytest.fixture
def enabled_account(stripe_on, creator):
    return ConnectAccount.objects.create(user=creator, stripe_account_id="acct_1Creator", payouts_enabled=True)


def test_onboarding_creates_account_once_and_returns_link(stripe_http, stripe_on, creator, client_for):
    create = stripe_http.post(f"{stripe_on}/v1/accounts", json=account_json())
    stripe_http.post(
        f"{stripe_on}/v1/account_links",
        json={"object": "account_link", "url": "https://connect.stripe.com/setup/e/acct_1Creator/x"},
    )
    for _ in range(2):
        response = client_for(creator).post("/api/v1/payouts/onboarding")
        assert response.status_code == 200, response.content
        assert response.json()["url"] == "https://connect.stripe.com/setup/e/acct_1Creator/x"
    assert create.call_count == 1
    assert ConnectAccount.objects.get(user=creator).payouts_enabled is False


def test_fans_cannot_onboard(stripe_on, user, client_for):
    assert client_for(user).post("/api/v1/payouts/onboarding").status_code == 403


def test_account_updated_webhook_syncs_status(stripe_http, stripe_on, creator, client_for, deliver):
    ConnectAccount.objects.create(user=creator, stripe_account_id="acct_1Creator")
    stripe_http.get(
        f"{stripe_on}/v1/accounts/acct_1Creator",
        json=account_json(
            charges_enabled=True, payouts_enabled=True, details_submitted=True, requirements={"currently_due": []}
        ),
    )
    # The event's own copy is stale on purpose: the handler re-reads the account.
    event = make_event("account.updated", account_json(), account="acct_1Creator")
    assert deliver(event).status_code == 200
    body = client_for(creator).get("/api/v1/payouts/account").json()
    assert (body["payouts_enabled"], body["charges_enabled"], body["requirements_due"]) == (True, True, [])


def test_hold_period_then_payout_paid(
    stripe_http, stripe_on, creator, client_for, enabled_account, django_capture_on_commit_callbacks
):
    ledger.ledger_post_earning(external_key="earning:ch_a", creator=creator, gross=5000, currency="usd", source="tip")
    balance = client_for(creator).get("/api/v1/payouts/balance").json()
    assert (balance["pending"], balance["available"]) == (4500, 0)
    assert client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json").status_code == 409

    ledger.ledger_release_matured(now=timezone.now() + dt.timedelta(days=7, seconds=1))
    balance = client_for(creator).get("/api/v1/payouts/balance").json()
    assert (balance["pending"], balance["available"]) == (0, 4500)

    transfers = stripe_http.post(f"{stripe_on}/v1/transfers", json=transfer_json())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(creator).post(
            "/api/v1/payouts", {"amount": 2000}, format="json", HTTP_IDEMPOTENCY_KEY="p1"
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"  # the transfer runs in a task after commit
    payout_id = response.json()["id"]
    assert client_for(creator).get(f"/api/v1/payouts/{payout_id}").json()["status"] == "paid"
    assert transfers.call_count == 1
    assert transfers.calls[0].request.headers["Idempotency-Key"] == f"payout:{response.json()['id']}"
    assert ledger.creator_balances(user=creator, currency="usd")["available"] == 2500
    in_transit = ledger.ledger_account(kind="payouts_in_transit", currency="usd")
    assert ledger.account_balance(in_transit) == 0

    # Replaying the request replays the answer; no second transfer.
    again = client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert again.json()["id"] == response.json()["id"] and transfers.call_count == 1


def test_refused_transfer_fails_payout_and_restores_balance(
    stripe_http, stripe_on, creator, client_for, enabled_account, django_capture_on_commit_callbacks
):
    earn(creator, 5000, "earning:ch_b")
    stripe_http.post(
        f"{stripe_on}/v1/transfers",
        status=400,
        json={
            "error": {"type": "invalid_request_error", "code": "balance_insufficient", "message": "Insufficient funds."}
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json")
    payout = Payout.objects.get(pk=response.json()["id"])
    assert payout.status == Payout.Status.FAILED
    assert ledger.creator_balances(user=creator, currency="usd")["available"] == 4500
    assert JournalEntry.objects.filter(kind="payout_failed").count() == 1


def test_reversed_transfer_fails_a_paid_payout_once(
    stripe_http, stripe_on, creator, client_for, enabled_account, deliver, django_capture_on_commit_callbacks
):
    earn(creator, 5000, "earning:ch_c")
    stripe_http.post(f"{stripe_on}/v1/transfers", json=transfer_json())
    with django_capture_on_commit_callbacks(execute=True):
        payout_id = client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json").json()["id"]
    stripe_http.get(f"{stripe_on}/v1/transfers/tr_1Payout", json=transfer_json(reversed=True, amount_reversed=2000))
    deliver(make_event("transfer.reversed", transfer_json()))
    deliver(make_event("transfer.reversed", transfer_json()))
    assert Payout.objects.get(pk=payout_id).status == Payout.Status.FAILED
    assert ledger.creator_balances(user=creator, currency="usd")["available"] == 4500
    stripe_balance = ledger.ledger_account(kind="stripe_balance", currency="usd")
    assert ledger.account_balance(stripe_balance) == 5000


def test_payout_rules(stripe_on, creator, client_for, enabled_account):
    earn(creator, 5000, "earning:ch_d")
    assert client_for(creator).post("/api/v1/payouts", {"amount": 999}, format="json").status_code == 400
    assert client_for(creator).post("/api/v1/payouts", {"amount": 4501}, format="json").status_code == 409
    enabled_account.payouts_enabled = False
    enabled_account.save()
    response = client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json")
    assert response.status_code == 409 and response.json()["type"] == "urn:socialflow:error:payouts_not_enabled"


def test_balance_and_payouts_are_private(
    stripe_http, stripe_on, creator, other_user, client_for, enabled_account, django_capture_on_commit_callbacks
):
    earn(creator, 5000, "earning:ch_e")
    stripe_http.post(f"{stripe_on}/v1/transfers", json=transfer_json())
    with django_capture_on_commit_callbacks(execute=True):
        payout_id = client_for(creator).post("/api/v1/payouts", {"amount": 2000}, format="json").json()["id"]
    assert client_for(other_user).get(f"/api/v1/payouts/{payout_id}").status_code == 404
    assert client_for(other_user).get("/api/v1/payouts").json()["results"] == []
    assert client_for(other_user).get("/api/v1/payouts/account").status_code == 404
    assert client_for(other_user).get("/api/v1/payouts/balance").json()["available"] == 0
    assert client_for(creator).get(f"/api/v1/payouts/{payout_id}").status_code == 200


def test_refund_after_release_never_makes_available_negative(stripe_on, creator):
    earning = earn(creator, 5000, "earning:ch_f")
    entry = ledger.ledger_post_earning(
        external_key="earning:ch_g", creator=creator, gross=1000, currency="usd", source="tip"
    )
    # Pay out most of the available balance, then the first payment is refunded in full.
    from payments.models import Payout as P

    payout = P.objects.create(
        creator=creator,
        account=ConnectAccount.objects.create(user=creator, stripe_account_id="acct_x"),
        amount=4000,
        currency="usd",
    )
    ledger.ledger_post_payout(payout=payout)
    ledger.ledger_post_reversal(external_key="refund:re_1", kind="refund", earning=earning, amount=5000)
    assert ledger.creator_balances(user=creator, currency="usd") == {"pending": 900, "available": 0, "receivable": 4000}
    # The next release settles what the creator owes before anything becomes available.
    ledger.ledger_release_earning(earning=entry)
    assert ledger.creator_balances(user=creator, currency="usd") == {"pending": 0, "available": 0, "receivable": 3100}
