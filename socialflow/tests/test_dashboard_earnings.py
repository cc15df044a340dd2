"""Earnings pages against localstripe (Connect and transfers answered at the HTTP boundary, as in payments'
own tests): balance, charts, onboarding, payouts, tiers and subscribers — only the creator's own."""

import datetime as dt

import pytest
from django.utils import timezone

from payments import ledger
from payments.models import Payout, Tier
from payments.services.payouts import connect_account_sync
from payments.services.subscriptions import subscription_create
from payments.services.tiers import tier_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "id": "acct_1Cora",
    "object": "account",
    "type": "express",
    "charges_enabled": False,
    "payouts_enabled": False,
    "details_submitted": False,
    "requirements": {"currently_due": ["external_account"]},
}


def earn(creator, gross, key, *, release=False):
    ledger.ledger_post_earning(external_key=key, creator=creator, gross=gross, currency="usd", source="tip")
    if release:
        ledger.ledger_release_matured(now=timezone.now() + dt.timedelta(days=8))


def onboard(client, stripe_http, stripe_on, *, enabled: bool):
    stripe_http.post(f"{stripe_on}/v1/accounts", json=ACCOUNT)
    stripe_http.post(
        f"{stripe_on}/v1/account_links",
        json={"object": "account_link", "url": "https://connect.stripe.com/setup/e/acct_1Cora/x"},
    )
    response = client.post("/dashboard/earnings/connect/")
    if enabled:
        stripe_http.get(
            f"{stripe_on}/v1/accounts/acct_1Cora",
            json={**ACCOUNT, "payouts_enabled": True, "charges_enabled": True, "requirements": {"currently_due": []}},
        )
        connect_account_sync(stripe_account_id="acct_1Cora")  # what the account.updated webhook runs
    return response


def test_balance_and_charts_show_the_creators_money(dashboard_client, creator, second_creator):
    earn(creator, 5000, "earning:a", release=True)  # 4500 available after the hold
    earn(creator, 2000, "earning:b")  # 1800 pending
    html = dashboard_client(creator).get("/dashboard/earnings/?days=7").content.decode()
    assert '<div class="kpi" id="balance-pending"><dt>Pending</dt><dd><span class="kpi-value">$18.00</span>' in html
    assert '<div class="kpi" id="balance-available"><dt>Available</dt><dd><span class="kpi-value">$45.00</span>' in html
    assert '<span class="kpi-value">$63.00</span>' in html
    assert 'data-label="Tips" data-value="6300"' in html
    assert "Set up payouts with Stripe" in html
    other = dashboard_client(second_creator).get("/dashboard/earnings/").content.decode()
    assert "$45.00" not in other and "$18.00" not in other and 'data-value="6300"' not in other


def test_onboarding_redirects_to_stripe_once_account_exists(dashboard_client, creator, stripe_http, stripe_on):
    client = dashboard_client(creator)
    response = onboard(client, stripe_http, stripe_on, enabled=False)
    assert response.status_code == 302
    assert response["Location"] == "https://connect.stripe.com/setup/e/acct_1Cora/x"
    html = client.get("/dashboard/earnings/").content.decode()
    assert "Continue Stripe onboarding" in html


def test_without_stripe_the_page_says_payments_are_not_configured(dashboard_client, creator):
    response = dashboard_client(creator).post("/dashboard/earnings/connect/", follow=True)
    assert "payments are not configured" in response.content.decode()


def test_request_a_payout_through_the_payments_service(
    dashboard_client,
    creator,
    stripe_http,
    stripe_on,
    django_capture_on_commit_callbacks,
):
    client = dashboard_client(creator)
    onboard(client, stripe_http, stripe_on, enabled=True)
    earn(creator, 5000, "earning:c", release=True)
    too_small = client.post("/dashboard/earnings/payouts/", {"amount": "5.00"})
    assert too_small.status_code == 400
    assert "The minimum payout is 10.00." in too_small.content.decode()
    too_big = client.post("/dashboard/earnings/payouts/", {"amount": "100.00"})
    assert too_big.status_code == 400
    transfer = {"id": "tr_1Cora", "object": "transfer", "amount": 2000, "currency": "usd",
                "destination": "acct_1Cora", "reversed": False, "amount_reversed": 0}  # fmt: skip
    stripe_http.post(f"{stripe_on}/v1/transfers", json=transfer)
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post("/dashboard/earnings/payouts/", {"amount": "20.00"})
    assert ok.status_code == 302
    payout = Payout.objects.get(creator=creator)
    assert (payout.amount, payout.status) == (2000, "paid")
    html = client.get("/dashboard/earnings/").content.decode()
    assert '<span class="kpi-value">$25.00</span>' in html  # 4500 − 2000 available
    assert '<span class="status status-paid">Paid</span>' in html


def test_create_and_edit_a_tier_on_stripe(dashboard_client, creator, second_creator, stripe_on):
    client = dashboard_client(creator)
    page = client.get("/dashboard/tiers/").content.decode()
    assert '<label for="id_price">Monthly price' in page
    response = client.post(
        "/dashboard/tiers/",
        {"name": "Supporter", "price": "4.99", "currency": "usd", "benefits": "Early videos\nMonthly Q&A",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    tier = Tier.objects.get(creator=creator)
    assert (tier.name, tier.price_amount, tier.benefits) == ("Supporter", 499, ["Early videos", "Monthly Q&A"])
    assert tier.stripe_product_id and tier.stripe_plan_id
    listing = client.get("/dashboard/tiers/").content.decode()
    assert "Supporter" in listing and "$4.99" in listing

    old_plan = tier.stripe_plan_id
    edited = client.post(
        f"/dashboard/tiers/{tier.pk}/",
        {"name": "Supporter", "price": "5.99", "currency": "usd", "benefits": "Early videos", "is_active": "on"},
    )
    assert edited.status_code == 302
    tier.refresh_from_db()
    assert (tier.price_amount, tier.benefits) == (599, ["Early videos"]) and tier.stripe_plan_id != old_plan

    bad = client.post("/dashboard/tiers/", {"name": "Free?", "price": "0", "currency": "usd"})
    assert bad.status_code == 400

    intruder = dashboard_client(second_creator)
    assert intruder.get(f"/dashboard/tiers/{tier.pk}/").status_code == 404
    assert (
        intruder.post(f"/dashboard/tiers/{tier.pk}/", {"name": "x", "price": "1", "currency": "usd"}).status_code == 404
    )
    assert "Supporter" not in intruder.get("/dashboard/tiers/").content.decode()


def test_tiers_page_without_stripe_shows_the_service_error(dashboard_client, creator):
    response = dashboard_client(creator).post("/dashboard/tiers/", {"name": "Gold", "price": "3", "currency": "usd"})
    assert response.status_code == 400
    assert "payments are not configured" in response.content.decode()


def test_subscribers_are_listed_only_for_their_creator(
    dashboard_client,
    creator,
    second_creator,
    stripe_on,
    card,
    django_assert_num_queries,
):
    tier = tier_create(creator=creator, name="Fan club", price_amount=300, currency="usd")
    fans = [UserFactory(username=f"subfan{i}") for i in range(3)]
    client = dashboard_client(creator)
    client.get("/dashboard/subscribers/")
    subscription_create(fan=fans[0], tier=tier, payment_method=card())
    with django_assert_num_queries(4) as one:  # session, user, count, page (tier and fan joined)
        html = client.get("/dashboard/subscribers/").content.decode()
    assert "@subfan0" in html and "Fan club" in html and "$3.00" in html
    for fan in fans[1:]:
        subscription_create(fan=fan, tier=tier, payment_method=card())
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get("/dashboard/subscribers/").content.decode()
    assert "3 current subscribers." in html
    other = dashboard_client(second_creator).get("/dashboard/subscribers/").content.decode()
    assert "@subfan0" not in other and "0 current subscribers." in other


@pytest.mark.parametrize("count", [1, 6])
def test_earnings_page_query_count_is_flat(dashboard_client, creator, count, django_assert_num_queries):
    for i in range(count):
        earn(creator, 1000 + i, f"earning:pin-{i}", release=i % 2 == 0)
    client = dashboard_client(creator)
    client.get("/dashboard/earnings/")
    # session, user, balance (sums + next release), earnings by day and by source, connect account, payouts
    with django_assert_num_queries(8):
        assert client.get("/dashboard/earnings/").status_code == 200
