"""Reports are computed from the recorded events and must equal them."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from ads.models import AdClick, AdImpression
from users.tests.factories import UserFactory

UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"


def _traffic(client_for, n_viewers, *, click=True, country="PT", placement="feed"):
    for _ in range(n_viewers):
        client = client_for(UserFactory(country=country))
        [ad] = client.get("/api/v1/ads/serve", {"placement": placement}, HTTP_USER_AGENT=UA).json()
        client.post("/api/v1/ads/impressions", {"token": ad["impression_token"]}, HTTP_USER_AGENT=UA)
        if click:
            path = ad["click_url"].replace("http://127.0.0.1:8000", "")
            client.get(path, HTTP_USER_AGENT=UA)
            client.get(path, HTTP_USER_AGENT=UA)  # a duplicate: invalid


def test_report_equals_the_recorded_events(launch, client_for, user):
    campaign, creative = launch(bid_type="cpc", bid_amount=30)
    _traffic(client_for, 3, country="PT")
    _traffic(client_for, 2, country="ES", click=False)
    response = client_for(user).get(f"/api/v1/ads/campaigns/{campaign.pk}/report", {"group_by": "country"})
    assert response.status_code == 200, response.content
    report = response.json()
    rows = {r["key"]: r for r in report["rows"]}
    assert rows["PT"] | {} == {
        "key": "PT", "impressions": 3, "valid_clicks": 3, "invalid_clicks": 3, "ctr": "1.0000",
        "spend_minor": "90.000", "ecpm_minor": "30000.000",
    }  # fmt: skip
    assert (rows["ES"]["impressions"], rows["ES"]["valid_clicks"], rows["ES"]["spend_minor"]) == (2, 0, "0.000")
    totals = report["totals"]
    assert totals["impressions"] == AdImpression.objects.filter(campaign=campaign, valid=True).count() == 5
    assert totals["valid_clicks"] == AdClick.objects.filter(campaign=campaign, valid=True).count() == 3
    assert totals["invalid_clicks"] == AdClick.objects.filter(campaign=campaign, valid=False).count() == 3
    campaign.refresh_from_db()
    assert totals["spend_minor"] == f"{campaign.spent_total_milli / 1000:.3f}" == "90.000"
    assert totals["ctr"] == "0.6000"


def test_report_by_day_ad_and_placement(launch, client_for, user):
    campaign, creative = launch(bid_amount=1000)
    yesterday = timezone.now() - timedelta(days=1)
    _traffic(client_for, 3, click=False)
    moved = AdImpression.objects.order_by("created_at").values_list("pk", flat=True)[:2]
    AdImpression.objects.filter(pk__in=list(moved)).update(created_at=yesterday)
    client = client_for(user)
    url = f"/api/v1/ads/campaigns/{campaign.pk}/report"
    by_day = client.get(url, {"group_by": "day"}).json()["rows"]
    assert [(r["key"], r["impressions"], r["spend_minor"]) for r in by_day] == [
        (yesterday.date().isoformat(), 2, "2.000"), (timezone.now().date().isoformat(), 1, "1.000"),
    ]  # fmt: skip
    assert by_day[0]["ecpm_minor"] == "1000.000"  # a CPM of 1000 minor units, as bid
    [by_ad] = client.get(url, {"group_by": "ad"}).json()["rows"]
    assert (by_ad["key"], by_ad["impressions"]) == (str(creative.pk), 3)
    [by_placement] = client.get(url, {"group_by": "placement"}).json()["rows"]
    assert by_placement["key"] == "feed"
    only_today = client.get(url, {"from": timezone.now().date().isoformat()}).json()["totals"]
    assert only_today["impressions"] == 1


def test_report_csv_export(launch, client_for, user):
    campaign, _ = launch(bid_type="cpc", bid_amount=30)
    _traffic(client_for, 2)
    response = client_for(user).get(
        f"/api/v1/ads/campaigns/{campaign.pk}/report", {"group_by": "country", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["country", "impressions", "valid_clicks", "invalid_clicks", "ctr", "spend_minor", "ecpm_minor"]
    assert rows[1] == ["PT", "2", "2", "2", "1.0000", "60.000", "30000.000"]
    assert rows[2][0] == "total"


def test_report_validates_its_query(launch, client_for, user):
    campaign, _ = launch()
    url = f"/api/v1/ads/campaigns/{campaign.pk}/report"
    assert client_for(user).get(url, {"group_by": "city"}).status_code == 400
    assert client_for(user).get(url, {"from": "2026-02-02", "to": "2026-01-01"}).status_code == 400
