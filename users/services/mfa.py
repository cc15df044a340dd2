"""Second factor: TOTP through django-otp, plus ten single-use backup codes.

TOTP replay: django-otp's TOTPDevice refuses any time step at or before the last one accepted
(`last_t`); the device row is locked while verifying, so two concurrent uses of one code cannot both
pass. Backup codes are random 10-character codes stored as a keyed HMAC (SECRET_KEY), looked up by
equality: one query, and a leaked table is useless without the key.
"""

import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import Conflict, ValidationFailed
from users.models import AccountEvent, BackupCode, User
from users.services.audit import account_event_record
from users.services.emails import account_email_send
from users.services.session_cache import auth_epochs_bump_after_commit

BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are typed by hand


def _backup_hash(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return salted_hmac("users.backup_code", normalised, algorithm="sha256").hexdigest()


def _new_backup_code() -> str:
    raw = "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _confirmed_device(user: User, *, lock: bool = False) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user, confirmed=True)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("id").first()


@transaction.atomic
def totp_setup(*, user: User) -> dict:
    """Start enrolment: a fresh unconfirmed device. Returns {secret, otpauth_url, qr_svg}."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor authentication is already on. Disable it first.", code="two_factor_enabled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return {"secret": secret, "otpauth_url": device.config_url, "qr_svg": buffer.getvalue().decode()}


def _backup_codes_replace(user: User) -> list[str]:
    BackupCode.objects.filter(user=user).delete()
    codes = [_new_backup_code() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    BackupCode.objects.bulk_create([BackupCode(user=user, code_hash=_backup_hash(c)) for c in codes])
    return codes


def totp_confirm(*, user: User, code: str) -> list[str]:
    """Finish enrolment with a current code; returns the backup codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            raise Conflict("Start with POST auth/2fa/setup.", code="two_factor_not_started")
        ok = device.verify_token(code)
    if not ok:
        raise ValidationFailed("That code is not valid.", errors={"code": ["Invalid or already used code."]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
        auth_epochs_bump_after_commit(user.pk)
        user.two_factor_enabled = True
        codes = _backup_codes_replace(user)
        account_event_record(user=user, kind=AccountEvent.Kind.TWO_FACTOR_ENABLED, actor=user)
        account_email_send(user=user, template="two_factor_changed", context={"change": "turned on"})
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is off.", code="two_factor_disabled")
    codes = _backup_codes_replace(user)
    account_event_record(user=user, kind=AccountEvent.Kind.BACKUP_CODES, actor=user)
    return codes


def second_factor_verify(*, user: User, code: str) -> str | None:
    """Check a TOTP code or an unused backup code. Returns "totp", "backup_code" or None.

    Not one transaction on purpose: a failed TOTP attempt must keep django-otp's failure counter.
    """
    code = (code or "").strip()
    if code.isdigit() and len(code) == 6:
        with transaction.atomic():
            device = _confirmed_device(user, lock=True)
            if device is not None and device.verify_token(code):
                return "totp"
        return None
    if not code:
        return None
    used = BackupCode.objects.filter(user=user, code_hash=_backup_hash(code), used_at__isnull=True).update(
        used_at=timezone.now()
    )
    # The conditional UPDATE is the single-use guarantee: of two concurrent uses only one matches.
    return "backup_code" if used else None


@transaction.atomic
def _two_factor_remove(user: User, *, kind: str, actor: User | None, reason: str = "") -> None:
    TOTPDevice.objects.filter(user=user).delete()
    BackupCode.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    auth_epochs_bump_after_commit(user.pk)
    user.two_factor_enabled = False
    account_event_record(user=user, kind=kind, actor=actor, reason=reason)
    account_email_send(user=user, template="two_factor_changed", context={"change": "turned off"})


def two_factor_disable(*, user: User, password: str, code: str) -> None:
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is off.", code="two_factor_disabled")
    if not user.check_password(password or ""):
        raise ValidationFailed("The password is wrong.", errors={"password": ["Wrong password."]})
    if second_factor_verify(user=user, code=code) is None:
        raise ValidationFailed("That code is not valid.", errors={"code": ["Invalid or already used code."]})
    _two_factor_remove(user, kind=AccountEvent.Kind.TWO_FACTOR_DISABLED, actor=user)


def two_factor_reset(*, user: User, by: User | None, reason: str) -> None:
    """Staff removes a person's second factor (lost phone and codes), recorded."""
    _two_factor_remove(user, kind=AccountEvent.Kind.TWO_FACTOR_RESET, actor=by, reason=reason)
