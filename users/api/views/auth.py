"""auth/*: registration, verification, login (with the second factor), tokens, passwords, 2FA, social."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.schema import ErrorResponseSerializer
from users import services
from users.api.serializers.accounts import UserMeSerializer
from users.api.serializers.auth import (
    BackupCodesSerializer,
    CodeInputSerializer,
    DetailSerializer,
    EmailInputSerializer,
    LoginInputSerializer,
    LoginOutputSerializer,
    MfaVerifyInputSerializer,
    PasswordChangeInputSerializer,
    PasswordResetConfirmInputSerializer,
    RefreshInputSerializer,
    RegisteredUserSerializer,
    RegisterInputSerializer,
    SocialLoginInputSerializer,
    TokenInputSerializer,
    TokenPairSerializer,
    TotpSetupSerializer,
    TwoFactorDisableInputSerializer,
)
from users.api.views.common import NotApiKey, client_ip, user_agent
from users.services.social_login import social_login
from users.throttles import (
    LoginAccountThrottle,
    LoginIPThrottle,
    MfaTokenThrottle,
    PasswordResetThrottle,
    RegisterThrottle,
)

RESET_SENT = "If an account uses this address, a link to reset its password is on its way."
VERIFY_SENT = "If this address belongs to an unverified account, a new verification link is on its way."


# Sign-in steps need no credentials but check the ones they are given: wrong ones are a 401, an account
# that may not sign in (suspended, banned) a 403. Documented so the schema fuzzing holds them to it.
CREDENTIAL_ERRORS = {
    401: OpenApiResponse(ErrorResponseSerializer, description="Wrong or expired credentials."),
    403: OpenApiResponse(ErrorResponseSerializer, description="The account may not sign in."),
}


def login_response(result, request) -> Response:
    if result.mfa_required:
        return Response({"mfa_required": True, "mfa_token": result.mfa_token})
    body = {
        "mfa_required": False,
        **result.tokens,
        "user": UserMeSerializer(result.user, context={"request": request}).data,
    }
    return Response(body)


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AuthViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authenticated_actions = {"logout", "logout_all", "password_change"}
    throttles_by_action = {
        "register": [RegisterThrottle],
        "login": [LoginIPThrottle, LoginAccountThrottle],
        "social": [LoginIPThrottle],
        "password_reset": [PasswordResetThrottle],
        "password_reset_confirm": [PasswordResetThrottle],
        "verify_email_resend": [PasswordResetThrottle],
    }

    def get_permissions(self):
        if self.action in self.authenticated_actions:
            return [IsAuthenticated(), NotApiKey()]
        return super().get_permissions()

    def get_throttles(self):
        return [*super().get_throttles(), *(cls() for cls in self.throttles_by_action.get(self.action, []))]

    @extend_schema(request=RegisterInputSerializer, responses={201: RegisteredUserSerializer}, auth=[])
    @action(detail=False, methods=["post"])
    def register(self, request):
        data = _input(RegisterInputSerializer, request)
        user = services.user_register(**data)
        body = {
            "id": str(user.pk),
            "email": user.email,
            "username": user.username,
            "display_name": user.display_name,
            "status": user.Status.PENDING_VERIFICATION,
            "is_verified": False,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=TokenInputSerializer, responses={200: UserMeSerializer}, auth=[])
    @action(detail=False, methods=["post"], url_path="verify-email")
    def verify_email(self, request):
        user = services.email_verify(token=_input(TokenInputSerializer, request)["token"])
        return Response(UserMeSerializer(user, context={"request": request}).data)

    @extend_schema(request=EmailInputSerializer, responses={202: DetailSerializer})
    @action(detail=False, methods=["post"], url_path="verify-email/resend")
    def verify_email_resend(self, request):
        if request.user.is_authenticated:
            services.email_verification_send(user=request.user)
        else:
            email = _input(EmailInputSerializer, request).get("email")
            user = services.user_find_by_login(email) if email else None
            if user is not None:
                services.email_verification_send(user=user)
        return Response({"detail": VERIFY_SENT}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=LoginInputSerializer, responses={200: LoginOutputSerializer, **CREDENTIAL_ERRORS}, auth=[])
    @action(detail=False, methods=["post"])
    def login(self, request):
        data = _input(LoginInputSerializer, request)
        result = services.login_with_password(
            login=data["login"], password=data["password"], user_agent=user_agent(request), ip=client_ip(request)
        )
        return login_response(result, request)

    @extend_schema(request=RefreshInputSerializer, responses={200: TokenPairSerializer, **CREDENTIAL_ERRORS}, auth=[])
    @action(detail=False, methods=["post"])
    def refresh(self, request):
        raw = _input(RefreshInputSerializer, request)["refresh"]
        _session, pair = services.session_refresh(
            raw_refresh=raw, user_agent=user_agent(request), ip=client_ip(request)
        )
        return Response(pair)

    @extend_schema(request=RefreshInputSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def logout(self, request):
        services.session_logout(user=request.user, raw_refresh=_input(RefreshInputSerializer, request)["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"], url_path="logout-all")
    def logout_all(self, request):
        services.sessions_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PasswordChangeInputSerializer, responses={200: LoginOutputSerializer})
    @action(detail=False, methods=["post"], url_path="password/change")
    def password_change(self, request):
        data = _input(PasswordChangeInputSerializer, request)
        services.password_change(user=request.user, **data)
        # Every session was signed out; this device gets a fresh one so the person stays signed in here.
        result = services.login_complete(
            user=request.user, method="password", user_agent=user_agent(request), ip=client_ip(request)
        )
        return login_response(result, request)

    @extend_schema(request=EmailInputSerializer, responses={202: DetailSerializer}, auth=[])
    @action(detail=False, methods=["post"], url_path="password/reset")
    def password_reset(self, request):
        email = _input(EmailInputSerializer, request).get("email") or ""
        services.password_reset_request(email=email)
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=PasswordResetConfirmInputSerializer, responses={200: DetailSerializer}, auth=[])
    @action(detail=False, methods=["post"], url_path="password/reset/confirm")
    def password_reset_confirm(self, request):
        data = _input(PasswordResetConfirmInputSerializer, request)
        services.password_reset_confirm(token=data["token"], new_password=data["new_password"])
        return Response({"detail": "Your password was changed. Sign in with it."})

    @extend_schema(
        request=SocialLoginInputSerializer,
        responses={200: LoginOutputSerializer, 400: OpenApiResponse(description="Token refused by the provider")},
        auth=[],
    )
    @action(detail=False, methods=["post"], url_path=r"social/(?P<provider>google|facebook)")
    def social(self, request, provider=None):
        data = _input(SocialLoginInputSerializer, request)
        result = social_login(
            request=request._request,
            provider_id=provider,
            token={k: v for k, v in data.items() if v},
            user_agent=user_agent(request),
            ip=client_ip(request),
        )
        return login_response(result, request)


class TwoFactorViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, NotApiKey]

    def get_permissions(self):
        if self.action == "verify":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        extra = [MfaTokenThrottle()] if self.action == "verify" else []
        return [*super().get_throttles(), *extra]

    @extend_schema(
        request=MfaVerifyInputSerializer, responses={200: LoginOutputSerializer, **CREDENTIAL_ERRORS}, auth=[]
    )
    @action(detail=False, methods=["post"])
    def verify(self, request):
        data = _input(MfaVerifyInputSerializer, request)
        result = services.login_mfa_verify(
            mfa_token=data["mfa_token"], code=data["code"], user_agent=user_agent(request), ip=client_ip(request)
        )
        return login_response(result, request)

    @extend_schema(request=None, responses={200: TotpSetupSerializer})
    @action(detail=False, methods=["post"])
    def setup(self, request):
        return Response(services.totp_setup(user=request.user))

    @extend_schema(request=CodeInputSerializer, responses={200: BackupCodesSerializer})
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        codes = services.totp_confirm(user=request.user, code=_input(CodeInputSerializer, request)["code"])
        return Response({"backup_codes": codes})

    @extend_schema(request=None, responses={200: BackupCodesSerializer})
    @action(detail=False, methods=["post"], url_path="backup-codes")
    def backup_codes(self, request):
        return Response({"backup_codes": services.backup_codes_regenerate(user=request.user)})

    @extend_schema(request=TwoFactorDisableInputSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def disable(self, request):
        services.two_factor_disable(user=request.user, **_input(TwoFactorDisableInputSerializer, request))
        return Response(status=status.HTTP_204_NO_CONTENT)
