"""Sign-in with a provider's token from the mobile/web apps (Google id_token, Facebook access token).

The token is verified by allauth's provider code against the provider itself (Google: signature
against Google's certificates, issuer and audience = our client id; Facebook: `debug_token` with our
app token, then the Graph profile). The account is then found by (provider, uid); otherwise linked to
an existing account only when the provider vouches for that email being verified (Google does,
Facebook's API does not); otherwise created. A taken email the provider does not vouch for is a 409:
linking it would let anyone who controls a provider account with that address take the account over.
"""

import re
import secrets

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict, NotAuthenticated, ServiceUnavailable
from users.models import User
from users.services.login import LoginResult, account_may_sign_in, login_after_first_factor
from users.services.status import user_email_verify

PROVIDERS = {"google", "facebook"}


def _provider(request, provider_id: str):
    try:
        provider = get_adapter().get_provider(request, provider_id)
    except (SocialApp.DoesNotExist, ImproperlyConfigured, MultipleObjectsReturned):
        raise ServiceUnavailable(f"Sign-in with {provider_id} is not configured.") from None
    if not provider.app or not provider.app.client_id:
        raise ServiceUnavailable(f"Sign-in with {provider_id} is not configured.")
    return provider


def _verify(request, provider, token: dict):
    try:
        return provider.verify_token(request, token)
    except DjangoValidationError:
        raise NotAuthenticated(f"{provider.name} did not accept this token.", code="social_token_invalid") from None


def _username_from(email: str, name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "", (email.split("@")[0] if email else name) or "")[:20]
    if not base or not base[0].isalpha():
        base = f"user{base}"
    base = base[:20]
    candidates = [base] if len(base) >= 3 and base.lower() not in settings.RESERVED_USERNAMES else []
    candidates += [f"{base}_{secrets.randbelow(10**6):06d}" for _ in range(5)]
    for candidate in candidates:
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    return f"user_{secrets.token_hex(6)}"


@transaction.atomic
def _account_for(provider, sociallogin) -> User:
    uid = str(sociallogin.account.uid)
    provider_key = sociallogin.account.provider
    existing = SocialAccount.objects.select_related("user").filter(provider=provider_key, uid=uid).first()
    if existing is not None:
        return existing.user
    emails = [a for a in sociallogin.email_addresses if a.email]
    verified = next((a.email.lower() for a in emails if a.verified), None)
    email = verified or (emails[0].email.lower() if emails else "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None and not verified:
        raise Conflict(
            "An account already uses this email. Sign in with your password first, then connect "
            f"{provider.name} from your settings.",
            code="social_email_unverified",
        )
    if user is None:
        if not email:
            raise Conflict(f"{provider.name} did not share an email address; it is needed to sign up.")
        extra = sociallogin.account.extra_data or {}
        user = User(
            email=email,
            username=_username_from(email, extra.get("name", "")),
            display_name=(extra.get("name") or "")[:80],
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save(force_insert=True)
        except IntegrityError:
            raise Conflict("Sign-up raced with another; try again.") from None
    SocialAccount.objects.create(user=user, provider=provider_key, uid=uid, extra_data=sociallogin.account.extra_data)
    if verified and user.email_verified_at is None:
        user_email_verify(user=user, by=None, reason=f"email verified by {provider.name}")
    return user


def social_login(*, request, provider_id: str, token: dict, user_agent: str = "", ip: str | None = None) -> LoginResult:
    if provider_id not in PROVIDERS:
        raise NotAuthenticated("Unknown provider.")
    provider = _provider(request, provider_id)
    sociallogin = _verify(request, provider, token)
    user = _account_for(provider, sociallogin)
    user.refresh_from_db()
    account_may_sign_in(user)
    User.objects.filter(pk=user.pk).update(updated_at=timezone.now())
    return login_after_first_factor(user=user, method=provider_id, user_agent=user_agent, ip=ip)
