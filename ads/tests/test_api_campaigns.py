"""Advertiser account, campaigns and creatives through the API; ownership is a 404 wall."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ads.models import Campaign
from ads.services import campaigns_roll_status
from ads.tests.factories import campaign_fields, creative_fields, make_advertiser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _json(fields):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}


def test_a_verified_user_becomes_an_advertiser(client_for, user):
    response = client_for(user).post(
        "/api/v1/ads/advertiser",
        {
            "company_name": "Ana Climbs",
            "billing_email": "bill@ana.example",
            "billing_address": "Rua 1, Lisboa",
            "billing_country": "pt",
            "currency": "eur",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    assert response.json()["billing_country"] == "PT"
    mine = client_for(user).get("/api/v1/ads/advertiser").json()
    assert (mine["company_name"], mine["currency"], mine["balance"]) == ("Ana Climbs", "eur", 0)
    again = client_for(user).post(
        "/api/v1/ads/advertiser",
        {"company_name": "Again", "billing_email": "b@a.example", "billing_address": "x", "billing_country": "PT"},
    )
    assert again.status_code == 409


def test_unverified_users_cannot_advertise(client_for, unverified_user):
    response = client_for(unverified_user).post(
        "/api/v1/ads/advertiser",
        {"company_name": "Dan", "billing_email": "d@d.example", "billing_address": "x", "billing_country": "PT"},
    )
    assert response.status_code == 403


def test_create_campaign_normalises_targeting(client_for, advertiser, user):
    body = _json(campaign_fields(target_countries=["pt", "es"], target_interests=["#Climbing"], placements=["feed"]))
    response = client_for(user).post("/api/v1/ads/campaigns", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["target_countries"], data["target_interests"]) == ("draft", ["ES", "PT"], ["climbing"])
    assert (data["currency"], data["spent_total"]) == ("usd", "0.000")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"daily_budget": 200_000}, "daily_budget"),
        ({"target_countries": ["Portugal"]}, "target_countries"),
        ({"target_age_min": 40, "target_age_max": 30}, "target_age_max"),
        ({"placements": ["billboard"]}, "placements"),
        ({"bid_type": "cpc", "bid_amount": 20_000}, "bid_amount"),
    ],
)
def test_invalid_campaigns_are_refused(client_for, advertiser, user, override, field):
    response = client_for(user).post("/api/v1/ads/campaigns", _json(campaign_fields(**override)), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_end_before_start_is_refused(client_for, advertiser, user):
    now = timezone.now()
    body = _json(campaign_fields(start_at=now, end_at=now - timedelta(days=1)))
    response = client_for(user).post("/api/v1/ads/campaigns", body, format="json")
    assert response.status_code == 400


def test_lifecycle_through_the_api(client_for, advertiser, user):
    client = client_for(user)
    campaign = client.post("/api/v1/ads/campaigns", _json(campaign_fields()), format="json").json()
    url = f"/api/v1/ads/campaigns/{campaign['id']}"
    assert client.post(f"{url}/resume").status_code == 409  # a draft is activated, not resumed
    assert client.post(f"{url}/activate").json()["status"] == "active"
    paused = client.post(f"{url}/pause").json()
    assert (paused["status"], paused["pause_reason"]) == ("paused", "advertiser")
    assert client.post(f"{url}/resume").json()["status"] == "active"
    assert client.patch(url, {"daily_budget": 5000}, format="json").json()["daily_budget"] == 5000


def test_activation_needs_a_funded_balance(client_for, user):
    advertiser = make_advertiser(user, fund=0)
    client = client_for(user)
    campaign = client.post("/api/v1/ads/campaigns", _json(campaign_fields()), format="json").json()
    response = client.post(f"/api/v1/ads/campaigns/{campaign['id']}/activate")
    assert response.status_code == 409
    assert "funds" in response.json()["detail"]
    assert advertiser.campaigns.get().status == "draft"


def test_ended_campaigns_complete(launch):
    campaign, _ = launch()
    assert campaigns_roll_status(now=timezone.now() + timedelta(days=31)) == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED


def test_another_advertisers_campaigns_and_ads_are_404(launch, client_for, other_user):
    campaign, creative = launch()
    make_advertiser(other_user)
    client = client_for(other_user)
    url = f"/api/v1/ads/campaigns/{campaign.pk}"
    assert client.get("/api/v1/ads/campaigns").json()["results"] == []
    for response in [
        client.get(url),
        client.patch(url, {"name": "Mine now"}, format="json"),
        client.post(f"{url}/pause"),
        client.get(f"{url}/report"),
        client.get(f"{url}/ads"),
        client.post(f"{url}/ads", creative_fields(), format="json"),
        client.get(f"/api/v1/ads/ads/{creative.pk}"),
        client.patch(f"/api/v1/ads/ads/{creative.pk}", {"headline": "x"}, format="json"),
    ]:
        assert response.status_code == 404, response.content
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("Spring climbing", "active")


def test_create_an_image_ad_with_media(client_for, advertiser, user, launch):
    campaign, _ = launch()
    upload = SimpleUploadedFile("ad.png", PNG, content_type="image/jpeg")  # the claim is not trusted
    response = client_for(user).post(
        f"/api/v1/ads/campaigns/{campaign.pk}/ads",
        {**creative_fields(format="image"), "media": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["media_content_type"], data["media_size"]) == ("submitted", "image/png", len(PNG))
    assert all(check["passed"] for check in data["check_results"])


def test_ad_failing_checks_stays_draft_with_results(client_for, advertiser, user, launch):
    campaign, _ = launch()
    response = client_for(user).post(
        f"/api/v1/ads/campaigns/{campaign.pk}/ads", creative_fields(cta_url="javascript:alert(1)"), format="json"
    )
    data = response.json()
    assert data["status"] == "draft"
    failed = {c["check"] for c in data["check_results"] if not c["passed"]}
    assert failed == {"safe_scheme", "https_url"}


def test_promote_own_public_post(client_for, advertiser, user, launch):
    from content.services.posts import post_create

    campaign, _ = launch()
    post = post_create(author=user, text="Our new shoe")
    response = client_for(user).post(
        f"/api/v1/ads/campaigns/{campaign.pk}/ads",
        creative_fields(format="promoted_post", promoted_post=str(post.pk)),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["promoted_post"] == str(post.pk)


def test_list_endpoints_have_flat_query_counts(launch, client_for, user, django_assert_max_num_queries):
    campaign, _ = launch()
    client = client_for(user)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/ads/campaigns").json()["results"]) == 1
    with django_assert_max_num_queries(4):
        assert len(client.get(f"/api/v1/ads/campaigns/{campaign.pk}/ads").json()["results"]) == 1
    for n in range(19):
        launch(name=f"Campaign {n}")
    from ads.services import creative_create

    for n in range(19):
        creative_create(campaign=campaign, **creative_fields(headline=f"Ad {n}"))
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/ads/campaigns").json()["results"]) == 20
    with django_assert_max_num_queries(4):
        assert len(client.get(f"/api/v1/ads/campaigns/{campaign.pk}/ads").json()["results"]) == 20
