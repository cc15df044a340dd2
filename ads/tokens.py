"""Serve tokens: what the server promised when it served an ad, signed so clients cannot forge it.

The token carries everything an impression or click needs (ad, campaign, viewer, placement, country,
device, the creator beside whom it ran), so recording an event needs no lookup of the serve request.
It is signed with django.core.signing (HMAC over SECRET_KEY, salted) and expires after
ADS_TOKEN_TTL_SECONDS; `jti` makes each served ad unique, so an impression is recorded once per token.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "ads.serve-token.v1"


@dataclass(frozen=True)
class ServeToken:
    jti: str
    creative_id: str
    campaign_id: str
    viewer_key: str
    viewer_id: str | None
    placement: str
    country: str
    device: str
    creator_id: str | None
    # The call-to-action URL as reviewed when the ad was served: a click goes there even if the
    # advertiser has since edited the creative (an edited URL is unreviewed until approved again).
    landing_url: str = ""

    def dumps(self) -> str:
        payload = {
            "j": self.jti,
            "a": self.creative_id,
            "c": self.campaign_id,
            "k": self.viewer_key,
            "u": self.viewer_id,
            "p": self.placement,
            "cc": self.country,
            "d": self.device,
            "cr": self.creator_id,
            "l": self.landing_url,
        }
        return signing.dumps(payload, salt=SALT, compress=True)

    @classmethod
    def from_payload(cls, p: dict) -> "ServeToken":
        return cls(
            jti=p["j"], creative_id=p["a"], campaign_id=p["c"], viewer_key=p["k"], viewer_id=p.get("u"),
            placement=p.get("p", ""), country=p.get("cc", ""), device=p.get("d", ""), creator_id=p.get("cr"),
            landing_url=p.get("l", ""),
        )  # fmt: skip


def new_jti() -> str:
    return secrets.token_hex(16)


class TokenInvalid(Exception):
    """Forged or malformed: nothing in it can be trusted."""


class TokenExpired(Exception):
    """Genuine but too old: `token` is what it said, for recording the event as invalid."""

    def __init__(self, token: ServeToken):
        self.token = token
        super().__init__("expired")


def token_load(raw: str) -> ServeToken:
    try:
        return ServeToken.from_payload(signing.loads(raw, salt=SALT, max_age=settings.ADS_TOKEN_TTL_SECONDS))
    except signing.SignatureExpired:
        # The signature is good, only the age is not: read it without the age limit to attribute it.
        raise TokenExpired(ServeToken.from_payload(signing.loads(raw, salt=SALT))) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenInvalid() from None
