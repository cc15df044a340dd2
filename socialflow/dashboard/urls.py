"""Dashboard routes, included under /dashboard/ by socialflow/site_urls.py."""

from django.urls import path

from socialflow.dashboard.views import ads, auth, content, earnings, live, overview

app_name = "dashboard"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("verify/", auth.verify, name="verify"),
    # content
    path("videos/", content.videos, name="videos"),
    path("videos/upload/", content.video_upload, name="video_upload"),
    path("videos/<uuid:video_id>/", content.video_edit, name="video_edit"),
    path("videos/<uuid:video_id>/retry/", content.video_retry_view, name="video_retry"),
    path("videos/<uuid:video_id>/analytics/", content.video_analytics_view, name="video_analytics"),
    path("posts/", content.posts, name="posts"),
    # earnings
    path("earnings/", earnings.earnings, name="earnings"),
    path("earnings/payouts/", earnings.payout_create, name="payout_create"),
    path("earnings/connect/", earnings.connect_onboarding, name="connect_onboarding"),
    path("tiers/", earnings.tiers, name="tiers"),
    path("tiers/<uuid:tier_id>/", earnings.tier_edit, name="tier_edit"),
    path("subscribers/", earnings.subscribers, name="subscribers"),
    # live
    path("live/", live.streams, name="streams"),
    path("live/<uuid:stream_id>/", live.stream_detail, name="stream"),
    path("live/<uuid:stream_id>/key/", live.stream_key, name="stream_key"),
    path("live/<uuid:stream_id>/<str:action>/", live.stream_action, name="stream_action"),
    # advertising
    path("ads/", ads.campaigns, name="campaigns"),
    path("ads/<uuid:campaign_id>/", ads.campaign_detail, name="campaign"),
    path("ads/<uuid:campaign_id>/<str:action>/", ads.campaign_action, name="campaign_action"),
]
