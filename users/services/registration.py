"""Sign-up and email verification.

The registration response is the same whether or not the email is already taken (201 with the
submitted profile), so the endpoint cannot be used to find out who has an account; the owner of a
taken address gets an email saying someone tried. Usernames are public, so a taken one is a 400.
"""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ValidationFailed
from users.models import OneTimeToken, User
from users.models.auth import sha256_hex
from users.services.emails import account_email_send
from users.services.status import user_email_verify


def username_validate(username: str, *, exclude: User | None = None) -> str:
    from users.models.user import USERNAME_VALIDATOR

    username = (username or "").strip()
    try:
        USERNAME_VALIDATOR(username)
    except ValidationError as exc:
        raise ValidationFailed("Choose another username.", errors={"username": list(exc.messages)}) from None
    if username.lower() in settings.RESERVED_USERNAMES:
        raise ValidationFailed("Choose another username.", errors={"username": ["This username is reserved."]})
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationFailed("Choose another username.", errors={"username": ["This username is taken."]})
    return username


def password_validate(password: str, *, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed("Choose a stronger password.", errors={"password": list(exc.messages)}) from None


def one_time_token_issue(*, user: User, purpose: str, ttl) -> str:
    """A fresh single-use token; earlier unused ones of the same purpose stop working."""
    OneTimeToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
    raw = secrets.token_urlsafe(32)
    OneTimeToken.objects.create(user=user, purpose=purpose, token_hash=sha256_hex(raw), expires_at=timezone.now() + ttl)
    return raw


def one_time_token_consume(*, raw: str, purpose: str) -> User | None:
    """The token's user, marking it used; None when unknown, used or expired. Caller is atomic."""
    token = (
        OneTimeToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=sha256_hex(raw or ""), purpose=purpose)
        .first()
    )
    if token is None or token.used_at is not None or token.expires_at <= timezone.now():
        return None
    token.used_at = timezone.now()
    token.save(update_fields=["used_at", "updated_at"])
    return token.user


@transaction.atomic
def user_register(*, email: str, username: str, password: str, display_name: str = "") -> User:
    """Create a pending account and send the verification email (after commit).

    When the email is taken, nothing is created: an unsaved User with the submitted fields is
    returned so the response looks the same, and the address's owner is told by email.
    """
    email = User.objects.normalize_email((email or "").strip()).lower()
    username = username_validate(username)
    candidate = User(email=email, username=username, display_name=(display_name or "").strip()[:80])
    password_validate(password, user=candidate)
    candidate.set_password(password)  # hashed in both branches: the timing matches too
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        account_email_send(user=existing, template="email_already_registered")
        return candidate
    candidate.full_clean(exclude=["password"], validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            candidate.save(force_insert=True)
    except IntegrityError:
        # Lost a race against a concurrent registration: for the email, answer as for a taken email.
        if User.objects.filter(email__iexact=email).exists():
            return candidate
        raise ValidationFailed("Choose another username.", errors={"username": ["This username is taken."]}) from None
    email_verification_send(user=candidate)
    return candidate


@transaction.atomic
def email_verification_send(*, user: User) -> bool:
    if user.email_verified_at is not None or user.pk is None:
        return False
    raw = one_time_token_issue(
        user=user, purpose=OneTimeToken.Purpose.VERIFY_EMAIL, ttl=settings.EMAIL_VERIFICATION_TTL
    )
    account_email_send(user=user, template="verify_email", context={"token": raw})
    return True


@transaction.atomic
def email_verify(*, token: str) -> User:
    user = one_time_token_consume(raw=token, purpose=OneTimeToken.Purpose.VERIFY_EMAIL)
    if user is None:
        raise ValidationFailed("This link is invalid or expired.", errors={"token": ["Invalid or expired token."]})
    return user_email_verify(user=user, by=user, reason="verified by email link")
