"""API keys for bots and integrations: `Authorization: Api-Key <prefix>.<secret>`.

The key is returned once; only its SHA-256 is stored (it is 256 random bits, so a fast hash is
safe). The public prefix finds the row with one indexed query; the comparison is constant-time.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from core.exceptions import NotFound, ValidationFailed
from users.models import ApiKey, User
from users.models.auth import sha256_hex

LAST_USED_GRANULARITY_SECONDS = 60
MAX_KEYS_PER_USER = 20


@transaction.atomic
def api_key_create(*, user: User, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    scopes = sorted(set(scopes or []))
    if not scopes or any(s not in ApiKey.Scope.values for s in scopes):
        raise ValidationFailed("Choose scopes among read and write.", errors={"scopes": ["Use read and/or write."]})
    if "write" in scopes and "read" not in scopes:
        scopes = ["read", "write"]  # writing implies reading back what was written
    if ApiKey.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_KEYS_PER_USER:
        raise ValidationFailed(f"At most {MAX_KEYS_PER_USER} active keys per account.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    raw = f"sf_{prefix}.{secret}"
    key = ApiKey(
        user=user, name=(name or "").strip()[:80] or "API key", prefix=prefix, key_hash=sha256_hex(raw), scopes=scopes
    )
    key.full_clean(validate_unique=False, validate_constraints=False)
    key.save(force_insert=True)
    return key, raw


@transaction.atomic
def api_key_revoke(*, user: User, key_id) -> ApiKey:
    key = ApiKey.objects.select_for_update().filter(pk=key_id, user=user, revoked_at__isnull=True).first()
    if key is None:
        raise NotFound("No such API key.")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The live key for a presented secret (with its user loaded), or None."""
    if not raw or not raw.startswith("sf_") or "." not in raw:
        return None
    prefix = raw[3:].split(".", 1)[0]
    key = ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not constant_time_compare(key.key_hash, sha256_hex(raw)):
        return None
    now = timezone.now()
    # Written at most once a minute per key: a busy bot must not turn every read into a write.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_GRANULARITY_SECONDS:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
