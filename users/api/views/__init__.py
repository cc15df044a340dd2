from users.api.views.accounts import UserViewSet
from users.api.views.auth import AuthViewSet, TwoFactorViewSet
from users.api.views.keys import ApiKeyViewSet, SessionViewSet

__all__ = ["ApiKeyViewSet", "AuthViewSet", "SessionViewSet", "TwoFactorViewSet", "UserViewSet"]
