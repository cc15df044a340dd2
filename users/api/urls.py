from rest_framework.routers import SimpleRouter

from users.api import views

router = SimpleRouter(trailing_slash=False)
router.register("auth/2fa", views.TwoFactorViewSet, basename="auth-2fa")
router.register("auth/sessions", views.SessionViewSet, basename="auth-session")
router.register("auth/api-keys", views.ApiKeyViewSet, basename="auth-api-key")
router.register("auth", views.AuthViewSet, basename="auth")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [*router.urls]
