"""Impressions and clicks: once per token, invalid traffic recorded but never charged, exact spend."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from ads.models import AdClick, AdImpression, Campaign, Creative
from ads.tests.factories import fund_advertiser, make_advertiser
from ads.tokens import SALT
from notifications.models import Notification
from payments.ledger import advertiser_balance
from payments.models import JournalEntry
from users.tests.factories import UserFactory

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
IMPRESSIONS = "/api/v1/ads/impressions"


@pytest.fixture
def viewer(db):
    return UserFactory(username="vera", country="PT")


def serve_one(client, placement="feed", **extra):
    ads = client.get("/api/v1/ads/serve", {"placement": placement, **extra}, HTTP_USER_AGENT=UA).json()
    assert len(ads) == 1, ads
    return ads[0]


def impress(client, token, viewable=True, ua=UA):
    return client.post(IMPRESSIONS, {"token": token, "viewable": viewable}, HTTP_USER_AGENT=ua)


def click(client, ad, ua=UA):
    return client.get(ad["click_url"].split("testserver")[-1].replace("http://127.0.0.1:8000", ""), HTTP_USER_AGENT=ua)


def test_an_impression_is_recorded_once_per_token_and_charged_cpm_over_1000(launch, viewer, client_for, commit):
    campaign, creative = launch(bid_amount=500)  # 5.00 per 1000 → 0.5 cent each
    client = client_for(viewer)
    ad = serve_one(client)
    with commit():
        first = impress(client, ad["impression_token"])
    again = impress(client, ad["impression_token"])
    assert first.status_code == 201 and first.json()["valid"] is True
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert AdImpression.objects.count() == 1
    campaign.refresh_from_db()
    assert (campaign.spent_total_milli, campaign.spent_today_milli, campaign.charged_minor) == (500, 500, 0)
    creative.refresh_from_db()
    assert creative.impressions_count == 1


def test_whole_cents_reach_the_ledger_keyed_by_event(launch, viewer, client_for, advertiser, commit):
    launch(bid_amount=500)
    client = client_for(viewer)
    before = advertiser_balance(user=advertiser.user)["usd"]
    for _ in range(3):
        with commit():
            impress(client, serve_one(client)["impression_token"])
    # 3 × 0.5 cent = 1.5 cents spent: one whole cent crossed, posted once, under the event's id.
    assert advertiser_balance(user=advertiser.user)["usd"] == before - 1
    [charged] = AdImpression.objects.filter(charge_minor__gt=0)
    assert charged.charge_minor == 1 and charged.ledger_posted_at is not None
    assert JournalEntry.objects.filter(external_key=f"ads:adimpression:{charged.pk}").exists()


def test_non_viewable_impressions_are_recorded_but_not_charged(launch, viewer, client_for):
    campaign, _ = launch()
    client = client_for(viewer)
    response = impress(client, serve_one(client)["impression_token"], viewable=False)
    assert response.status_code == 201
    assert response.json() | {} == response.json() and response.json()["invalid_reason"] == "not_viewable"
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 0


def test_bot_user_agents_are_recorded_invalid(launch, viewer, client_for):
    campaign, _ = launch()
    client = client_for(viewer)
    response = impress(
        client, serve_one(client)["impression_token"], ua="Googlebot/2.1 (+http://www.google.com/bot.html)"
    )
    assert response.json()["invalid_reason"] == "bot"
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 0


def test_expired_tokens_are_recorded_invalid_and_forged_ones_refused(launch, viewer, client_for):
    launch()
    client = client_for(viewer)
    token = serve_one(client)["impression_token"]
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() + 7200):
        response = impress(client, token)
    assert response.status_code == 201 and response.json()["invalid_reason"] == "expired"
    forged = signing.dumps({"j": "x", "a": "y", "c": "z", "k": "k"}, salt=SALT, key="not-our-secret")
    response = impress(client, forged)
    assert response.status_code == 400
    assert "token" in response.json()["errors"]


def test_a_token_is_not_transferable_to_another_signed_in_user(launch, viewer, client_for):
    launch()
    token = serve_one(client_for(viewer))["impression_token"]
    response = impress(client_for(UserFactory()), token)
    assert response.json()["invalid_reason"] == "viewer_mismatch"


def test_click_redirects_and_charges_cpc(launch, viewer, client_for, commit):
    campaign, creative = launch(bid_type="cpc", bid_amount=40)
    client = client_for(viewer)
    ad = serve_one(client)
    impress(client, ad["impression_token"])
    with commit():
        response = click(client, ad)
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/climb"
    [c] = AdClick.objects.all()
    assert (c.valid, c.cost_milli, c.charge_minor) == (True, 40_000, 40)
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 40_000
    creative.refresh_from_db()
    assert creative.clicks_count == 1


def test_repeat_click_within_30_minutes_is_invalid_then_valid_after(launch, viewer, client_for):
    campaign, _ = launch(bid_type="cpc", bid_amount=40)
    client = client_for(viewer)
    first, second = serve_one(client), None
    impress(client, first["impression_token"])
    assert click(client, first).status_code == 302
    assert click(client, first).status_code == 302  # still redirected, but not charged
    second = serve_one(client)
    impress(client, second["impression_token"])
    click(client, second)  # another token, same viewer and ad, within the window
    assert list(AdClick.objects.order_by("created_at").values_list("valid", "invalid_reason")) == [
        (True, ""), (False, "duplicate"), (False, "duplicate"),
    ]  # fmt: skip
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        third = serve_one(client)
        impress(client, third["impression_token"])
        click(client, third)
    assert AdClick.objects.filter(valid=True).count() == 2
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 80_000


def test_click_without_impression_and_bot_clicks_are_invalid(launch, viewer, client_for):
    campaign, _ = launch(bid_type="cpc", bid_amount=40)
    client = client_for(viewer)
    ad = serve_one(client)
    assert click(client, ad).status_code == 302
    impress(client, ad["impression_token"])
    click(client, ad, ua="curl/8.4.0")
    assert list(AdClick.objects.order_by("created_at").values_list("invalid_reason", flat=True)) == [
        "no_impression", "bot",
    ]  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 0


def test_forged_click_is_recorded_and_404(api_client, db):
    response = api_client.get("/api/v1/ads/click/eyJmb3JnZWQiOnRydWV9:abc:def", HTTP_USER_AGENT=UA)
    assert response.status_code == 404
    [c] = AdClick.objects.all()
    assert (c.valid, c.invalid_reason, c.campaign_id) == (False, "forged", None)


def test_expired_click_is_recorded_invalid_but_still_redirects(launch, viewer, client_for):
    launch(bid_type="cpc", bid_amount=40)
    client = client_for(viewer)
    ad = serve_one(client)
    impress(client, ad["impression_token"])
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() + 7200):
        assert click(client, ad).status_code == 302
    assert AdClick.objects.get().invalid_reason == "expired"


def test_running_out_of_budget_pauses_the_campaign_and_notifies(launch, viewer, client_for, advertiser, commit):
    campaign, _ = launch(bid_type="cpc", bid_amount=50, total_budget=100, daily_budget=100)
    for _ in range(2):
        client = client_for(UserFactory())
        ad = serve_one(client)
        impress(client, ad["impression_token"])
        with commit():
            click(client, ad)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.pause_reason, campaign.spent_total_milli) == ("paused", "budget", 100_000)
    assert Notification.objects.filter(recipient=advertiser.user, type="campaign_budget_spent").count() == 1
    assert client_for(viewer).get("/api/v1/ads/serve", {"placement": "feed"}).json() == []


def test_events_after_the_budget_is_spent_are_not_charged(launch, client_for):
    campaign, _ = launch(bid_type="cpc", bid_amount=60, total_budget=100, daily_budget=100)
    clients = [client_for(UserFactory()) for _ in range(2)]
    ads = [serve_one(c) for c in clients]  # both served before either is clicked
    for c, ad in zip(clients, ads, strict=True):
        impress(c, ad["impression_token"])
        click(c, ad)
    assert list(AdClick.objects.order_by("created_at").values_list("valid", "invalid_reason")) == [
        (True, ""), (False, "not_serving"),
    ]  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.spent_total_milli == 60_000


def test_daily_budget_refuses_charges_beyond_it(launch, client_for):
    campaign, _ = launch(bid_type="cpc", bid_amount=60, total_budget=1000, daily_budget=100)
    clients = [client_for(UserFactory()) for _ in range(2)]
    ads = [serve_one(c) for c in clients]
    for c, ad in zip(clients, ads, strict=True):
        impress(c, ad["impression_token"])
        click(c, ad)
    assert list(AdClick.objects.order_by("created_at").values_list("invalid_reason", flat=True)) == ["", "budget"]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.spent_today_milli) == ("active", 60_000)


def test_empty_prepaid_balance_pauses_the_advertisers_campaigns(user, reviewer, launch, client_for, commit):
    poor = make_advertiser(UserFactory(username="penny"), fund=50)
    campaign, _ = launch(owner=poor, bid_type="cpc", bid_amount=40)
    other, _ = launch(owner=poor, name="Second", bid_type="cpc", bid_amount=30)
    clients = [client_for(UserFactory()) for _ in range(2)]
    for c in clients:
        ad = serve_one(c)
        impress(c, ad["impression_token"])
        with commit():
            click(c, ad)
    reasons = list(AdClick.objects.order_by("created_at").values_list("invalid_reason", flat=True))
    assert reasons == ["", "balance"]
    assert set(Campaign.objects.filter(advertiser=poor).values_list("status", "pause_reason")) == {
        ("paused", "balance")
    }
    assert advertiser_balance(user=poor.user)["usd"] == 50 - 40
    fund_advertiser(poor, 1000)
    with commit():
        from ads.services import campaign_resume

        assert campaign_resume(campaign=campaign).status == "active"


def test_creator_earns_the_revenue_share_beside_their_video(launch, viewer, client_for, creator, commit):
    from content.models import Video

    video = Video.objects.create(
        author=creator, title="Bouldering 101", status="ready", visibility="public", published_at=timezone.now()
    )
    launch(bid_type="cpc", bid_amount=41, placements=["video_preroll"])
    client = client_for(viewer)
    ad = serve_one(client, placement="video_preroll", context=f"video:{video.pk}")
    impress(client, ad["impression_token"])
    with commit():
        click(client, ad)
    [c] = AdClick.objects.all()
    # 50% of 41 cents = 20.5 cents: 20 now, the half cent carries over to the next event.
    assert (c.beside_creator_id, c.creator_share_minor) == (creator.pk, 20)
    entry = JournalEntry.objects.get(external_key=f"ads:adclick:{c.pk}:share")
    assert entry.amount == 20


def test_context_must_match_the_placement_and_be_visible(launch, viewer, client_for):
    launch()
    client = client_for(viewer)
    response = client.get(
        "/api/v1/ads/serve", {"placement": "feed", "context": "video:00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 400
    response = client.get(
        "/api/v1/ads/serve", {"placement": "video_preroll", "context": "video:00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 404


def test_a_click_goes_to_the_url_reviewed_when_served_not_an_edited_one(launch, viewer, client_for, commit):
    campaign, creative = launch(bid_type="cpc", bid_amount=40)
    client = client_for(viewer)
    ad = serve_one(client)
    impress(client, ad["impression_token"])
    from ads.services import creative_update

    with commit():
        creative_update(creative=Creative.objects.get(pk=creative.pk), cta_url="https://phish.example/login")
    response = click(client, ad)
    assert response["Location"] == "https://shop.example/climb"
    assert AdClick.objects.get().invalid_reason == "not_serving"


def test_editing_a_creative_after_serving_makes_its_events_unchargeable(launch, viewer, client_for, commit):
    campaign, creative = launch()
    client = client_for(viewer)
    ad = serve_one(client)
    from ads.services import creative_update

    with commit():
        creative_update(creative=Creative.objects.get(pk=creative.pk), headline="Changed")
    assert impress(client, ad["impression_token"]).json()["invalid_reason"] == "not_serving"
