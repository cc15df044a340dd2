"""The overview page: the creator's own followers, views, watch time, earnings and top content."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.ledger import ledger_post_earning
from socialflow.dashboard import metrics
from socialflow.dashboard.periods import period_of
from users.services import follow_create
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cora_channel(creator, make_video, watch):
    """Cora: 3 followers, one ready video with 3 qualified views today, $27.00 net earnings (a tip 3 days
    ago and a subscription payment today)."""
    fans = [UserFactory(username=f"fan{i}") for i in range(3)]
    for fan in fans:
        follow_create(follower=fan, following=creator)
    video = make_video(creator, "Climbing 101")
    watch(video, fans[0])
    watch(video, fans[1])
    watch(video, fans[2])
    # Earnings through the payments app's ledger service (the platform keeps its 10% fee).
    ledger_post_earning(
        external_key="earning:test-tip",
        creator=creator,
        gross=1000,
        currency="usd",
        source="tip",
        occurred_at=timezone.now() - timedelta(days=3),
    )
    ledger_post_earning(
        external_key="earning:test-sub", creator=creator, gross=2000, currency="usd", source="subscription"
    )
    return video


def test_metrics_have_concrete_values(creator, cora_channel):
    creator.refresh_from_db()
    period = period_of(7)
    followers = metrics.followers_series(creator=creator, period=period)
    assert (followers["total"], followers["gained"], followers["curve"][-1][1]) == (3, 3, 3)
    views = metrics.views_series(creator=creator, period=period)
    assert views["views"] == 3
    assert views["watch_seconds"] == 9.0
    assert [v for _, v in views["views_per_day"]] == [0, 0, 0, 0, 0, 0, 3]
    top = metrics.top_videos(creator=creator, period=period)
    assert [(t["title"], t["views"], t["watch_seconds"]) for t in top] == [("Climbing 101", 3, 9)]
    earnings = metrics.earnings_summary(creator=creator, period=period, currency="usd")
    assert earnings["total"] == 2700
    assert [v for _, v in earnings["by_day"]] == [0, 0, 0, 900, 0, 0, 1800]
    assert earnings["by_source"] == [
        ("Subscriptions", 1800),
        ("Tips", 900),
        ("Live donations", 0),
        ("Ad revenue", 0),
    ]


def test_overview_page_shows_the_creators_numbers(dashboard_client, creator, cora_channel):
    html = dashboard_client(creator).get("/dashboard/?days=7").content.decode()
    assert '<span class="kpi-value">3</span> <span class="kpi-delta">+3 in period</span>' in html
    assert '<div class="kpi" id="kpi-views"><dt>Qualified views</dt><dd><span class="kpi-value">3</span>' in html
    assert '<span class="kpi-value">9 s</span>' in html
    assert '<span class="kpi-value">$27.00</span>' in html
    assert 'data-label="Subscriptions" data-value="1800"' in html
    assert 'data-label="Tips" data-value="900"' in html
    assert '-title">Earnings by source</title>' in html
    assert '-title">Qualified views per day</title>' in html
    assert f'<a href="/dashboard/videos/{cora_channel.pk}/analytics/">Climbing 101</a>' in html


def test_a_second_creator_sees_none_of_it(dashboard_client, second_creator, cora_channel):
    html = dashboard_client(second_creator).get("/dashboard/?days=90").content.decode()
    assert "Climbing 101" not in html
    assert '<span class="kpi-value">$0.00</span>' in html
    assert 'data-value="1800"' not in html
    assert "No views in this period yet." in html


def test_unknown_period_falls_back_to_28_days(dashboard_client, creator):
    html = dashboard_client(creator).get("/dashboard/?days=365").content.decode()
    assert '<a href="?days=28" aria-current="true">Last 28 days</a>' in html


def test_overview_query_count_does_not_grow_with_content(
    dashboard_client, creator, make_video, watch, django_assert_num_queries
):
    client = dashboard_client(creator)
    fan = UserFactory(username="fanx")
    first = make_video(creator, "One")
    watch(first, fan)
    client.get("/dashboard/")  # warm the session
    with django_assert_num_queries(7) as one:  # session, user, follows, views x2, earnings x2
        assert client.get("/dashboard/").status_code == 200
    for i in range(4):
        video = make_video(creator, f"More {i}")
        watch(video, fan)
        follow_create(follower=UserFactory(username=f"more{i}"), following=creator)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/dashboard/").status_code == 200
