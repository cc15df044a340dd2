from django.urls import path
from rest_framework.routers import SimpleRouter

from payments.api import views

router = SimpleRouter(trailing_slash=False)
router.register("tiers", views.TierViewSet, basename="tier")
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
router.register("subscribers", views.SubscriberViewSet, basename="subscriber")
router.register("tips", views.TipViewSet, basename="tip")
router.register("payouts", views.PayoutViewSet, basename="payout")
router.register("earnings", views.EarningsViewSet, basename="earnings")

urlpatterns = [
    path("payments/config", views.PaymentsConfigView.as_view(), name="payments-config"),
    path("payments/webhooks/stripe", views.StripeWebhookView.as_view(), name="payments-stripe-webhook"),
    path("users/<str:user_id>/tiers", views.UserTiersView.as_view(), name="user-tiers"),
    *router.urls,
]
