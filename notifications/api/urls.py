from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import views

router = SimpleRouter(trailing_slash=False)
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "notifications/settings",
        views.NotificationSettingsViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="notification-settings",
    ),
    path(
        "notifications/push-tokens",
        views.PushTokenViewSet.as_view({"get": "list", "post": "create", "delete": "unregister"}),
        name="notification-push-tokens",
    ),
    path("notifications/unsubscribe/<str:token>", views.unsubscribe_view, name="notification-unsubscribe"),
    *router.urls,
]
