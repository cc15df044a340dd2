"""Ads test data, built through the services (state that depends on side effects is never faked)."""

from datetime import timedelta

from django.utils import timezone

from ads import services
from ads.models import Advertiser
from payments.ledger import ledger_post_advertiser_funding


def make_advertiser(user, *, fund: int = 100_000, currency: str = "usd") -> Advertiser:
    advertiser = services.advertiser_create(
        user=user,
        company_name=f"{user.username.title()} Ltd",
        billing_email=f"billing@{user.username}.example",
        billing_address="1 Market Street",
        billing_country="PT",
        currency=currency,
    )
    if fund:
        fund_advertiser(advertiser, fund)
    return advertiser


def fund_advertiser(advertiser: Advertiser, amount: int) -> None:
    ledger_post_advertiser_funding(
        user=advertiser.user,
        amount=amount,
        currency=advertiser.currency,
        external_key=f"test-fund:{advertiser.pk}:{timezone.now().timestamp()}",
    )


def campaign_fields(**overrides) -> dict:
    now = timezone.now()
    fields = {
        "name": "Spring climbing",
        "objective": "traffic",
        "start_at": now - timedelta(days=1),
        "end_at": now + timedelta(days=30),
        "total_budget": 100_000,
        "daily_budget": 10_000,
        "bid_type": "cpm",
        "bid_amount": 500,
        "pacing": "fast",
    }
    fields.update(overrides)
    return fields


def creative_fields(**overrides) -> dict:
    fields = {
        "format": "text",
        "headline": "Climb higher",
        "body": "Shoes that grip.",
        "cta_label": "Shop now",
        "cta_url": "https://shop.example/climb",
    }
    fields.update(overrides)
    return fields
