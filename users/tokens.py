"""The JWTs we sign. Built on simplejwt's Token (signing, expiry, jti) but without its blacklist app:
revocation lives on users.UserSession, which both token kinds point at through the `sid` claim."""

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token


class SessionAccessToken(Token):
    token_type = "access"
    lifetime = api_settings.ACCESS_TOKEN_LIFETIME


class SessionRefreshToken(Token):
    token_type = "refresh"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME
