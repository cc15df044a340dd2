"""Authentication serializers: credentials in, token pairs and sessions out."""

from rest_framework import serializers

from users.api.serializers.accounts import UserMeSerializer
from users.models import ApiKey


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    username = serializers.CharField(max_length=30)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class RegisteredUserSerializer(serializers.Serializer):
    """The same shape whether the account was created or the email was already taken."""

    id = serializers.UUIDField()
    email = serializers.EmailField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    status = serializers.CharField()
    is_verified = serializers.BooleanField()


class TokenInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class EmailInputSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False)


class LoginInputSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text="Email address or username.")
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)


class LoginOutputSerializer(serializers.Serializer):
    """Either the token pair and the user, or the second-factor step (`mfa_required`, `mfa_token`)."""

    mfa_required = serializers.BooleanField()
    mfa_token = serializers.CharField(required=False)
    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)
    user = UserMeSerializer(required=False)


class MfaVerifyInputSerializer(serializers.Serializer):
    mfa_token = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=20, help_text="A 6-digit TOTP code or a backup code.")


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=2000)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordChangeInputSerializer(serializers.Serializer):
    current_password = serializers.CharField(trim_whitespace=False, max_length=128)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user_agent = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    method = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, obj) -> bool:
        return obj.pk == self.context.get("current_session_id")


class TotpSetupSerializer(serializers.Serializer):
    secret = serializers.CharField()
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField()


class CodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class BackupCodesSerializer(serializers.Serializer):
    backup_codes = serializers.ListField(child=serializers.CharField())


class TwoFactorDisableInputSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, max_length=128)
    code = serializers.CharField(max_length=20)


class SocialLoginInputSerializer(serializers.Serializer):
    id_token = serializers.CharField(required=False, max_length=10000, help_text="Google (or Facebook Limited Login).")
    access_token = serializers.CharField(required=False, max_length=2000, help_text="Facebook.")

    def validate(self, attrs):
        if not attrs.get("id_token") and not attrs.get("access_token"):
            raise serializers.ValidationError("Send the provider's id_token or access_token.")
        return attrs


class ApiKeyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKey.Scope.choices), min_length=1, max_length=2
    )


class ApiKeySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(help_text="Shown once; store it now.")
