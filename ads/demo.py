"""Demo ads for `manage.py seed_demo`: one funded advertiser with a running campaign (approved ad),
a second campaign waiting in the admin review queue, and a little recorded traffic for the report."""

from datetime import timedelta

from django.utils import timezone

from ads import services
from ads.models import AdImpression, Advertiser, Campaign
from ads.selectors import ads_for_viewer
from payments.ledger import ledger_post_advertiser_funding

STEPS = 3


def seed(ctx, step):
    creators, fans, admin = ctx.get("creators", []), ctx.get("fans", []), ctx.get("admin")
    if not creators or admin is None:
        return
    owner = creators[0]
    advertiser = Advertiser.objects.filter(user=owner).first() or services.advertiser_create(
        user=owner, company_name="Ana Climbs Gear", billing_email=owner.email,
        billing_address="Rua das Flores 1, Lisboa", billing_country="PT", currency="usd",
    )  # fmt: skip
    ledger_post_advertiser_funding(user=owner, amount=50_000, currency="usd", external_key="demo:ads:funding")
    step("advertiser")
    now = timezone.now()
    running = Campaign.objects.filter(advertiser=advertiser, name="Autumn bouldering").first()
    if running is None:
        running = services.campaign_create(
            advertiser=advertiser, name="Autumn bouldering", objective="traffic", start_at=now - timedelta(days=1),
            end_at=now + timedelta(days=60), total_budget=20_000, daily_budget=2_000, bid_type="cpm",
            bid_amount=800, pacing="fast", frequency_cap=5, placements=["feed"],
        )  # fmt: skip
        ad = services.creative_create(
            campaign=running, format="text", headline="Grip every hold", body="Climbing shoes, 20% off this week.",
            cta_label="Shop now", cta_url="https://example.com/shoes",
        )  # fmt: skip
        services.creative_approve(creative=ad, by=admin)
        services.campaign_activate(campaign=running)
        pending = services.campaign_create(
            advertiser=advertiser, name="Winter chalk", start_at=now, end_at=now + timedelta(days=30),
            total_budget=5_000, daily_budget=500, bid_type="cpc", bid_amount=25, target_countries=["PT", "ES"],
        )  # fmt: skip
        services.creative_create(
            campaign=pending, format="text", headline="Dry hands, strong holds", body="Chalk that lasts.",
            cta_label="Learn more", cta_url="https://example.com/chalk",
        )  # fmt: skip
    step("campaigns")
    if not AdImpression.objects.filter(campaign=running).exists():
        ua = "Mozilla/5.0 (X11; Linux x86_64) SocialFlowDemo/1.0"
        for fan in fans:
            for ad in ads_for_viewer(viewer=fan, placement="feed", count=1, user_agent=ua):
                services.impression_record(raw_token=ad.token, viewable=True, requester=fan, user_agent=ua)
    step("traffic")
