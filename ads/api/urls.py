from django.urls import path
from rest_framework.routers import SimpleRouter

from ads.api.views import AdvertiserViewSet, CampaignViewSet, CreativeViewSet, ServingViewSet

router = SimpleRouter(trailing_slash=False)
router.register("ads/campaigns", CampaignViewSet, basename="ads-campaign")
router.register("ads/ads", CreativeViewSet, basename="ads-creative")

urlpatterns = [
    path(
        "ads/advertiser",
        AdvertiserViewSet.as_view({"get": "retrieve", "post": "create", "patch": "partial_update"}),
        name="ads-advertiser",
    ),
    path("ads/serve", ServingViewSet.as_view({"get": "serve"}), name="ads-serve"),
    path("ads/impressions", ServingViewSet.as_view({"post": "impression"}), name="ads-impressions"),
    path("ads/click/<str:token>", ServingViewSet.as_view({"get": "click"}), name="ads-click"),
    *router.urls,
]
