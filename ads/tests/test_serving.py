"""Serving rules: each rule that keeps an ad from a viewer, ranking, pacing, reasons and tokens."""

import datetime
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from ads import services
from ads.models import Campaign
from ads.serving.choose import pacing_allows
from ads.serving.index import index_candidates
from ads.tests.factories import make_advertiser
from ads.tokens import token_load
from payments.models import Subscription, Tier
from users.models import Block
from users.tests.factories import UserFactory

SERVE = "/api/v1/ads/serve"
UA_MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
UA_DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def viewer(db):
    return UserFactory(username="vera", country="PT", language="pt", birth_date=datetime.date(1995, 6, 1))


def serve(client, placement="feed", count=1, ua=UA_DESKTOP, **extra):
    response = client.get(SERVE, {"placement": placement, "count": count, **extra}, HTTP_USER_AGENT=ua)
    assert response.status_code == 200, response.content
    return response.json()


def served_ids(client, **kwargs):
    return [ad["id"] for ad in serve(client, **kwargs)]


def test_an_approved_ad_of_an_active_campaign_is_served_with_token_click_url_and_reason(launch, viewer, client_for):
    campaign, ad = launch()
    [served] = serve(client_for(viewer))
    assert served["id"] == str(ad.pk)
    assert served["campaign_id"] == str(campaign.pk)
    assert served["headline"] == "Climb higher"
    assert served["cta_url"] == "https://shop.example/climb"
    assert served["promoted"] is True
    assert served["reason"] == "everyone on SocialFlow"
    assert served["click_url"].endswith("/api/v1/ads/click/" + served["impression_token"])
    token = token_load(served["impression_token"])
    assert (token.creative_id, token.viewer_id, token.placement) == (str(ad.pk), str(viewer.pk), "feed")


def test_review_state_gates_serving(advertiser, viewer, client_for, reviewer, commit):
    from ads.tests.factories import campaign_fields, creative_fields

    with commit():
        campaign = services.campaign_create(advertiser=advertiser, **campaign_fields())
        ad = services.creative_create(campaign=campaign, **creative_fields())
        services.campaign_activate(campaign=campaign)
    assert served_ids(client_for(viewer)) == []  # submitted, not yet reviewed
    with commit():
        services.creative_reject(creative=ad, by=reviewer, reason="Misleading claim")
    assert served_ids(client_for(viewer)) == []
    with commit():
        ad = services.creative_update(creative=ad, headline="Climb safely")
        services.creative_approve(creative=ad, by=reviewer)
    assert served_ids(client_for(viewer)) == [str(ad.pk)]
    with commit():
        services.creative_update(creative=ad, body="Now with 10% off")  # edit → back to review
    assert served_ids(client_for(viewer)) == []


def test_draft_paused_and_completed_campaigns_are_not_served(launch, viewer, client_for, commit):
    campaign, _ = launch(activate=False)
    assert served_ids(client_for(viewer)) == []
    with commit():
        services.campaign_activate(campaign=campaign)
    assert len(served_ids(client_for(viewer))) == 1
    with commit():
        services.campaign_pause(campaign=campaign)
    assert served_ids(client_for(viewer)) == []
    with commit():
        services.campaign_resume(campaign=campaign)
        services.campaign_transition(campaign=campaign, to=Campaign.Status.COMPLETED)
    assert served_ids(client_for(viewer)) == []


def test_dates_bound_serving(launch, viewer, client_for):
    now = timezone.now()
    launch(name="Not yet", start_at=now + timedelta(hours=2), end_at=now + timedelta(days=2))
    assert served_ids(client_for(viewer)) == []
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=3)):
        assert len(served_ids(client_for(viewer))) == 1
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(days=3)):
        assert served_ids(client_for(viewer)) == []


def test_spent_daily_or_total_budget_stops_serving(launch, viewer, client_for, commit):
    daily, _ = launch(name="Daily spent", daily_budget=100, total_budget=1000)
    total, _ = launch(name="Total spent", daily_budget=100, total_budget=100)
    Campaign.objects.filter(pk=daily.pk).update(spent_today_milli=100_000, spent_day=timezone.now().date())
    Campaign.objects.filter(pk=total.pk).update(spent_total_milli=100_000)
    with commit():
        services.campaign_update(campaign=daily, name="Daily spent (refresh index)")
    assert served_ids(client_for(viewer)) == []
    # Tomorrow the daily budget is fresh again; the total stays spent.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        ids = [a["campaign_id"] for a in serve(client_for(viewer), count=5)]
    assert ids == [str(daily.pk)]


def test_frequency_cap_per_user_per_day(launch, viewer, client_for):
    launch(frequency_cap=2)
    client = client_for(viewer)
    for _ in range(2):
        [ad] = serve(client)
        assert (
            client.post(
                "/api/v1/ads/impressions", {"token": ad["impression_token"]}, HTTP_USER_AGENT=UA_DESKTOP
            ).status_code
            == 201
        )
    assert serve(client) == []
    assert len(serve(client_for(UserFactory()))) == 1  # someone else still sees it
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert len(serve(client)) == 1


def test_capped_campaigns_are_not_served_to_signed_out_viewers(launch, api_client):
    launch(frequency_cap=3)
    assert serve(api_client) == []


@pytest.mark.parametrize(
    ("targeting", "shown", "reason"),
    [
        ({"target_countries": ["pt"]}, True, "people in Portugal"),
        ({"target_countries": ["ES"]}, False, None),
        ({"target_languages": ["pt"]}, True, "people who speak Portuguese"),
        ({"target_languages": ["en"]}, False, None),
        ({"target_age_min": 25, "target_age_max": 34}, True, "people aged 25–34"),
        ({"target_age_min": 40}, False, None),
        ({"target_devices": ["desktop"]}, True, "people on desktop"),
        ({"target_devices": ["mobile"]}, False, None),
        ({"placements": ["video_preroll"]}, False, None),
    ],
)
def test_targeting_matches_what_is_known_of_the_viewer(launch, viewer, client_for, targeting, shown, reason):
    launch(**targeting)
    ads = serve(client_for(viewer))
    assert bool(ads) is shown
    if shown:
        assert ads[0]["reason"] == reason


def test_device_comes_from_the_user_agent(launch, viewer, client_for):
    launch(target_devices=["mobile"])
    assert len(serve(client_for(viewer), ua=UA_MOBILE)) == 1
    assert serve(client_for(viewer), ua=UA_DESKTOP) == []


def test_unknown_attributes_never_match_a_targeted_campaign(launch, client_for):
    launch(target_countries=["PT"], target_age_min=18)
    assert serve(client_for(UserFactory(country="", birth_date=None))) == []


def test_interest_targeting_uses_hashtags_the_viewer_posted(launch, viewer, client_for):
    from content.services.posts import post_create

    post_create(author=viewer, text="Sunday at the crag #Climbing")
    launch(target_interests=["#climbing"])
    [ad] = serve(client_for(viewer))
    assert ad["reason"] == "you're interested in #climbing"
    assert serve(client_for(UserFactory())) == []


def test_interest_targeting_uses_hashtags_of_posts_the_viewer_liked(launch, viewer, client_for, creator):
    from content.services.posts import post_create
    from social.services.likes import like_create

    post = post_create(author=creator, text="Best flat white in town #Coffee")
    like_create(user=viewer, target=post)
    launch(target_interests=["coffee"])
    [ad] = serve(client_for(viewer))
    assert ad["reason"] == "you're interested in #coffee"


def test_premium_users_see_no_ads(launch, viewer, client_for, settings):
    launch()
    platform = UserFactory(username=settings.PAYMENTS_PLATFORM_USERNAME)
    tier = Tier.objects.create(creator=platform, name="Premium", price_amount=499)
    Subscription.objects.create(
        fan=viewer, creator=platform, tier=tier, status="active", paid_through=timezone.now() + timedelta(days=10)
    )
    assert serve(client_for(viewer)) == []


def test_ads_of_a_blocked_advertiser_are_never_served(launch, viewer, client_for, advertiser):
    launch()
    Block.objects.create(blocker=viewer, blocked=advertiser.user)
    assert serve(client_for(viewer)) == []


def test_ranking_by_expected_revenue_per_impression(launch, viewer, client_for, other_user):
    low, _ = launch(name="Low CPM", bid_amount=200)
    high, _ = launch(name="High CPM", bid_amount=900)
    # CPC 50 cents at the 1% prior CTR = 0.5 cents per impression = a 500 CPM equivalent: in the middle.
    cpc, _ = launch(owner=make_advertiser(other_user), name="CPC", bid_type="cpc", bid_amount=50)
    ids = [a["campaign_id"] for a in serve(client_for(viewer), count=3)]
    assert ids == [str(high.pk), str(cpc.pk), str(low.pk)]


def test_one_ad_per_campaign_per_response(launch, viewer, client_for, reviewer, commit):
    campaign, _ = launch()
    with commit():
        from ads.tests.factories import creative_fields

        second = services.creative_create(campaign=campaign, **creative_fields(headline="Second"))
        services.creative_approve(creative=second, by=reviewer)
    assert len(serve(client_for(viewer), count=3)) == 1


def test_even_pacing_holds_spend_near_the_elapsed_share_of_the_day(launch, db):
    campaign, _ = launch(pacing="even", daily_budget=2400, start_at=timezone.now() - timedelta(days=2))
    [cand] = index_candidates("feed")
    noon = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)
    budget = 2400 * 1000
    # At noon half the day has elapsed: allowed up to 50% + 5% slack of the daily budget.
    assert pacing_allows(cand, spent_today=budget * 50 // 100, spent_total=0, now=noon)
    assert not pacing_allows(cand, spent_today=budget * 56 // 100, spent_total=0, now=noon)
    early = datetime.datetime(2026, 11, 28, 1, 0, tzinfo=datetime.UTC)
    assert not pacing_allows(cand, spent_today=budget * 20 // 100, spent_total=0, now=early)


def test_fast_pacing_spends_until_the_daily_budget(launch, db):
    launch(pacing="fast", daily_budget=2400)
    [cand] = index_candidates("feed")
    early = datetime.datetime(2026, 11, 28, 1, 0, tzinfo=datetime.UTC)
    assert pacing_allows(cand, spent_today=2400 * 1000 - cand.price_milli, spent_total=0, now=early)
    assert not pacing_allows(cand, spent_today=2400 * 1000 - cand.price_milli + 1, spent_total=0, now=early)


def test_even_pacing_in_serving_uses_live_spend(launch, viewer, client_for):
    campaign, _ = launch(pacing="even", daily_budget=2400, start_at=timezone.now() - timedelta(days=2))
    one_am = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=one_am):
        assert len(serve(client_for(viewer))) == 1
        # 20% spent by 01:00 is ahead of the even line (1/24 + 5%): hold back.
        from ads.serving.index import spend_publish

        spend_publish(campaign_id=campaign.pk, day=one_am.date(), today_milli=480_000, total_milli=480_000)
        assert serve(client_for(viewer)) == []


def test_serve_validates_its_query(client_for, viewer):
    response = client_for(viewer).get(SERVE, {"placement": "billboard"})
    assert response.status_code == 400
    assert "placement" in response.json()["errors"]


def test_ads_for_feed_returns_promoted_items(launch, viewer):
    from ads.selectors import ads_for_feed

    launch(target_countries=["PT"])
    [item] = ads_for_feed(viewer=viewer, feed="home", count=2)
    assert item["kind"] == "promoted"
    assert item["ad_reason"] == "people in Portugal"
    assert item["impression_token"]


def test_serve_query_count_does_not_grow_with_campaigns(launch, viewer, client_for, django_assert_max_num_queries):
    launch()
    client = client_for(viewer)
    serve(client)  # warm the index
    with django_assert_max_num_queries(4):
        serve(client, count=3)
    for n in range(15):
        launch(name=f"More {n}", frequency_cap=5)
    serve(client)
    with django_assert_max_num_queries(5):
        assert len(serve(client, count=5)) == 5


def test_a_promoted_post_serves_while_it_stays_public(launch, viewer, client_for, user):
    from content.services.posts import post_create

    post = post_create(author=user, text="Our new shoe")
    launch(creative={"format": "promoted_post", "promoted_post": post, "headline": ""})
    [ad] = serve(client_for(viewer))
    assert (ad["format"], ad["promoted_post_id"]) == ("promoted_post", str(post.pk))
    post.soft_delete()
    from django.core.cache import cache

    from ads.serving.index import VERSION_KEY

    cache.delete(VERSION_KEY)  # as the periodic refresh would
    assert serve(client_for(viewer)) == []


def test_signed_out_viewers_get_untargeted_uncapped_ads(launch, api_client):
    _, ad = launch()
    launch(name="Targeted", target_countries=["PT"])
    [served] = serve(api_client, count=2)
    assert served["id"] == str(ad.pk)
    assert token_load(served["impression_token"]).viewer_key.startswith("anon:")


def test_suspending_the_advertiser_pauses_and_hides_its_campaigns(launch, viewer, client_for, advertiser, commit):
    from ads.models import Advertiser

    campaign, _ = launch()
    with commit():
        services.advertiser_set_status(advertiser=advertiser, status=Advertiser.Status.SUSPENDED)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.pause_reason) == ("paused", "advertiser_suspended")
    assert serve(client_for(viewer)) == []
    from core.exceptions import Conflict

    with pytest.raises(Conflict):
        services.campaign_resume(campaign=campaign)


def test_a_change_is_spliced_into_the_index_without_a_full_rebuild(launch, viewer, client_for, other_user, commit):
    from django.core.cache import cache

    from ads.serving import index

    first, _ = launch(name="First", bid_amount=300)
    assert [a["campaign_id"] for a in serve(client_for(viewer), count=3)] == [str(first.pk)]
    calls = []
    real_build = index.build_index

    def spy(**kwargs):
        calls.append(kwargs.get("creative_ids"))
        return real_build(**kwargs)

    with mock.patch.object(index, "build_index", side_effect=spy):
        second, ad = launch(owner=make_advertiser(other_user), name="Second", bid_amount=900)
        assert [a["campaign_id"] for a in serve(client_for(viewer), count=3)] == [str(second.pk), str(first.pk)]
        with commit():
            services.campaign_pause(campaign=first)
        assert cache.get(index.VERSION_KEY) != index._snapshot.version
        assert [a["campaign_id"] for a in serve(client_for(viewer), count=3)] == [str(second.pk)]
    # Two patches, each re-reading only recently changed creatives (never a full build: None).
    assert len(calls) == 2
    assert all(ids is not None for ids in calls)
    assert str(ad.pk) in calls[0]
