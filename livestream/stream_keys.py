"""Stream keys at rest: Fernet (AES-128-CBC + HMAC) under a key derived from FIELD_ENCRYPTION_KEY.

A leaked stream key lets anyone broadcast as the creator, so the column holds only ciphertext and the
plain key is returned to the host alone. The derivation is fixed (SHA-256 of the setting, urlsafe
base64) so any process with the setting can decrypt; rotating FIELD_ENCRYPTION_KEY needs a re-encrypt.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_DERIVATION_CONTEXT = b"socialflow.livestream.stream_key.v1:"


def _fernet() -> Fernet:
    material = hashlib.sha256(_DERIVATION_CONTEXT + settings.FIELD_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def stream_key_encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def stream_key_decrypt(token: str) -> str:
    """The plain key; raises ValueError when the ciphertext was made under another key."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("stream key cannot be decrypted with the current FIELD_ENCRYPTION_KEY") from exc


def stream_key_digest(plain: str) -> str:
    """A keyed hash of the key for lookups (the RTMP server presents the key; Fernet is not searchable)."""
    secret = hashlib.sha256(b"socialflow.livestream.stream_key_digest.v1:" + settings.FIELD_ENCRYPTION_KEY.encode())
    return hmac.new(secret.digest(), plain.encode(), hashlib.sha256).hexdigest()


def stream_key_generate() -> str:
    """A key for self-hosted ingest: `sk_` + 32 random bytes, unguessable and URL-safe."""
    return "sk_" + secrets.token_urlsafe(32)
