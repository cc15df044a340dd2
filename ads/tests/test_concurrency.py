"""Concurrent events on PostgreSQL: the campaign row lock keeps spend exact and within budget."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from ads import services
from ads.models import AdClick, AdImpression, Campaign
from ads.selectors import ads_for_viewer
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from payments.ledger import advertiser_balance
from users.tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"


def _launch(**overrides):
    owner = make_advertiser(UserFactory(username="shoeco"), fund=10_000)
    reviewer = UserFactory(username="rev", role="moderator", is_staff=True)
    campaign = services.campaign_create(advertiser=owner, **campaign_fields(**overrides))
    creative = services.creative_create(campaign=campaign, **creative_fields())
    services.creative_approve(creative=creative, by=reviewer)
    return services.campaign_activate(campaign=campaign), owner


def _run_concurrently(calls):
    errors, barrier = [], threading.Barrier(len(calls))

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_impressions_never_exceed_the_budget():
    # 1 cent per impression (CPM 1000), 10 cents in total: exactly 10 of 24 concurrent impressions pay.
    campaign, owner = _launch(bid_amount=1000, total_budget=10, daily_budget=10)
    viewers = [UserFactory(username=f"viewer{i}") for i in range(24)]
    tokens = []
    for v in viewers:
        [ad] = ads_for_viewer(viewer=v, placement="feed", count=1, user_agent=UA)
        tokens.append((v, ad.token))
    before = advertiser_balance(user=owner.user)["usd"]

    errors = _run_concurrently(
        [
            (lambda v=v, t=t: services.impression_record(raw_token=t, viewable=True, requester=v, user_agent=UA))
            for v, t in tokens
        ]
    )
    assert errors == []
    campaign.refresh_from_db()
    valid = AdImpression.objects.filter(campaign=campaign, valid=True)
    assert campaign.spent_total_milli == 10_000 == sum(valid.values_list("cost_milli", flat=True))
    assert valid.count() == 10
    assert AdImpression.objects.filter(campaign=campaign).count() == 24
    assert (campaign.status, campaign.pause_reason) == ("paused", "budget")
    assert advertiser_balance(user=owner.user)["usd"] == before - 10


def test_concurrent_repeats_of_one_token_and_one_click_count_once():
    campaign, owner = _launch(bid_type="cpc", bid_amount=25)
    viewer = UserFactory(username="vera")
    [ad] = ads_for_viewer(viewer=viewer, placement="feed", count=1, user_agent=UA)
    errors = _run_concurrently(
        [lambda: services.impression_record(raw_token=ad.token, viewable=True, requester=viewer, user_agent=UA)] * 6
    )
    assert errors == []
    assert AdImpression.objects.filter(token_id__isnull=False).count() == 1
    errors = _run_concurrently([lambda: services.click_record(raw_token=ad.token, requester=viewer, user_agent=UA)] * 6)
    assert errors == []
    assert AdClick.objects.filter(valid=True).count() == 1
    assert AdClick.objects.filter(valid=False, invalid_reason="duplicate").count() == 5
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.spent_total_milli == 25_000
    assert advertiser_balance(user=owner.user)["usd"] == 10_000 - 25
