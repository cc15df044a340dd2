"""DRF authentication classes for the API: session-bound JWTs and API keys.

Both translate the services' refusals (core.exceptions) into DRF's, so a refused credential is a 401
or, for a suspended or banned account, a 403 naming the state. The request's `auth` is the
UserSession (JWT) or the ApiKey, which views use for "current session" and scope checks.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions as drf
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from core import exceptions as app
from users.models import ApiKey
from users.services.access import account_state_error
from users.services.api_keys import api_key_authenticate
from users.services.sessions import access_token_authenticate


class AccountStateDenied(drf.PermissionDenied):
    default_code = "account_state"


def _to_drf(exc: app.ApplicationError) -> drf.APIException:
    if isinstance(exc, app.PermissionDenied):
        return AccountStateDenied(exc.detail)
    return drf.AuthenticationFailed(exc.detail, code=exc.code)


def _credential(request, keyword: bytes) -> str | None:
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != keyword.lower():
        return None
    if len(parts) != 2:
        raise drf.AuthenticationFailed("Malformed Authorization header.")
    try:
        return parts[1].decode()
    except UnicodeError:
        raise drf.AuthenticationFailed("Malformed Authorization header.") from None


class SessionJWTAuthentication(BaseAuthentication):
    """`Authorization: Bearer <access token>`, valid only while its login session is live."""

    keyword = b"Bearer"

    def authenticate(self, request):
        raw = _credential(request, self.keyword)
        if raw is None:
            return None
        try:
            user, session = access_token_authenticate(raw)
        except app.ApplicationError as exc:
            raise _to_drf(exc) from None
        return user, session

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`, limited to the key's scopes (a read key cannot write)."""

    keyword = b"Api-Key"

    def authenticate(self, request):
        raw = _credential(request, self.keyword)
        if raw is None:
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise drf.AuthenticationFailed("Invalid or revoked API key.")
        error = account_state_error(key.user)
        if error is not None:
            raise _to_drf(error)
        needed = ApiKey.Scope.READ if request.method in SAFE_METHODS else ApiKey.Scope.WRITE
        if not key.allows(needed):
            raise drf.PermissionDenied(f"This API key lacks the {needed.value!r} scope.")
        return key.user, key

    def authenticate_header(self, request):
        return "Api-Key"


class SessionJWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = SessionJWTAuthentication
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer", bearer_format="JWT"
        )


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; read keys may only use GET/HEAD/OPTIONS.",
        }
