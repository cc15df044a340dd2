"""Advertiser pages: campaigns, creatives with review status, and the report charts — only one's own."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ads import services as ads
from ads.models import Campaign, Creative
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="moderator", is_staff=True)


@pytest.fixture
def campaign(user, reviewer, django_capture_on_commit_callbacks):
    """Ana advertises: an active CPM campaign with one approved ad and one rejected ad, through ads.services."""
    advertiser = make_advertiser(user, fund=100_000)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = ads.campaign_create(advertiser=advertiser, **campaign_fields(bid_amount=1000))
        approved = ads.creative_create(campaign=campaign, **creative_fields())
        ads.creative_approve(creative=approved, by=reviewer)
        rejected = ads.creative_create(campaign=campaign, **creative_fields(headline="Best shoes ever"))
        ads.creative_reject(creative=rejected, by=reviewer, reason="Unverifiable claim.")
        campaign = ads.campaign_activate(campaign=campaign)
    return campaign


def serve_and_view(client_for, n):
    """n viewers are served the ad and record an impression, through the ads API."""
    for _ in range(n):
        client = client_for(UserFactory(country="PT"))
        [ad] = client.get("/api/v1/ads/serve", {"placement": "feed"}, HTTP_USER_AGENT=UA).json()
        client.post("/api/v1/ads/impressions", {"token": ad["impression_token"]}, HTTP_USER_AGENT=UA)


def test_campaigns_list_and_report_charts(dashboard_client, user, campaign, client_for):
    serve_and_view(client_for, 3)
    client = dashboard_client(user)
    listing = client.get("/dashboard/ads/").content.decode()
    assert "Spring climbing" in listing and '<span class="status status-active">Active</span>' in listing
    assert (
        re.search(r'<strong id="ad-balance">([^<]+)</strong>', listing).group(1) == "$999.97"
    )  # $1,000 funded − 3 impressions at $10 CPM

    html = client.get(f"/dashboard/ads/{campaign.pk}/?days=7").content.decode()
    assert '<div class="kpi" id="report-impressions"><dt>Impressions</dt><dd><span class="kpi-value">3</span>' in html
    impressions = re.search(r'id="chart-impressions".*?</svg>', html, re.S).group(0)
    assert re.findall(r'data-value="(\d+)"', impressions) == ["0", "0", "0", "0", "0", "0", "3"]
    assert '<span class="kpi-value">$0.03</span>' in html  # 3 impressions at a CPM of $10.00
    assert '<span class="status status-approved">Approved</span>' in html
    assert '<span class="status status-rejected">Rejected</span>' in html
    assert "Unverifiable claim." in html


def test_pause_and_resume_through_the_ads_service(dashboard_client, user, campaign):
    client = dashboard_client(user)
    client.post(f"/dashboard/ads/{campaign.pk}/pause/")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.pause_reason) == ("paused", "advertiser")
    client.post(f"/dashboard/ads/{campaign.pk}/resume/")
    campaign.refresh_from_db()
    assert campaign.status == "active"


def test_no_advertiser_account_and_others_campaigns_are_404(dashboard_client, creator, campaign):
    client = dashboard_client(creator)
    assert "You have no advertiser account yet." in client.get("/dashboard/ads/").content.decode()
    assert client.get(f"/dashboard/ads/{campaign.pk}/").status_code == 404
    assert client.post(f"/dashboard/ads/{campaign.pk}/pause/").status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == "active"


@pytest.mark.parametrize("count", [1, 6])
def test_campaign_page_query_count_is_flat(dashboard_client, user, reviewer, count, django_assert_num_queries):
    advertiser = make_advertiser(user, fund=0)
    campaign = ads.campaign_create(advertiser=advertiser, **campaign_fields())
    for i in range(count):
        ads.creative_create(campaign=campaign, **creative_fields(headline=f"Ad {i}"))
    client = dashboard_client(user)
    client.get(f"/dashboard/ads/{campaign.pk}/")
    # session, user, advertiser check, campaign, report (impressions, clicks), creatives
    with django_assert_num_queries(7):
        assert client.get(f"/dashboard/ads/{campaign.pk}/").status_code == 200


def test_create_a_campaign_and_submit_ads_for_review(dashboard_client, user, settings):
    settings.ADS_BLOCKED_DOMAINS = ["bad.example"]
    make_advertiser(user, fund=50_000)
    client = dashboard_client(user)
    start = timezone.now() + timedelta(days=1)
    response = client.post(
        "/dashboard/ads/",
        {"name": "Autumn sale", "objective": "traffic", "start_at": start.strftime("%Y-%m-%dT%H:%M"),
         "end_at": (start + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"), "total_budget": "200.00",
         "daily_budget": "20.00", "bid_type": "cpc", "bid_amount": "0.30", "pacing": "even",
         "target_countries": "pt, es", "target_languages": "PT"},
    )  # fmt: skip
    campaign = Campaign.objects.get(advertiser__user=user)
    assert response.status_code == 302 and response["Location"] == f"/dashboard/ads/{campaign.pk}/"
    assert (campaign.status, campaign.total_budget, campaign.daily_budget, campaign.bid_amount) == (
        "draft",
        20_000,
        2_000,
        30,
    )
    assert (campaign.target_countries, campaign.target_languages) == (["ES", "PT"], ["pt"])  # normalised by ads

    ad = {
        "headline": "Autumn sale",
        "body": "Everything 20% off.",
        "cta_label": "Shop",
        "cta_url": "https://shop.example/",
    }
    assert client.post(f"/dashboard/ads/{campaign.pk}/", ad).status_code == 302
    blocked = {**ad, "headline": "Elsewhere", "cta_url": "https://bad.example/x"}
    assert client.post(f"/dashboard/ads/{campaign.pk}/", blocked).status_code == 302
    statuses = dict(Creative.objects.filter(campaign=campaign).values_list("headline", "status"))
    assert statuses == {"Autumn sale": "submitted", "Elsewhere": "draft"}  # the automatic check failed
    html = client.get(f"/dashboard/ads/{campaign.pk}/").content.decode()
    assert '<span class="status status-submitted">Submitted</span>' in html
    assert '<span class="status status-draft">Draft</span>' in html and "Failed:" in html

    invalid = client.post("/dashboard/ads/", {"name": "", "objective": "traffic"})
    assert invalid.status_code == 400
