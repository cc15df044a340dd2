"""Automatic policy checks a creative must pass before a human reviews it.

Each check returns a `CheckResult`; all of them run (not just until the first failure) so the
advertiser sees every problem at once, and the reviewer sees the same list in the admin queue.
"""

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.conf import settings

HEADLINE_MAX = 90
BODY_MAX = 500
CTA_LABEL_MAX = 30
URL_MAX = 2048
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
VIDEO_TYPES = {"video/mp4", "video/webm", "video/quicktime"}
# Schemes that run code or smuggle content in the URL itself; refused whatever the case or spacing.
FORBIDDEN_SCHEMES = {"javascript", "data", "vbscript", "file"}


@dataclass(frozen=True)
class CheckResult:
    check: str
    passed: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _host_blocked(host: str) -> bool:
    host = host.lower().rstrip(".")
    for domain in settings.ADS_BLOCKED_DOMAINS:
        domain = domain.lower().strip().lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def check_url(url: str) -> list[CheckResult]:
    # Browsers ignore leading control characters and whitespace ("\tjavascript:"): so do we.
    cleaned = "".join(ch for ch in url.strip() if ch >= " " and ch != "\x7f")
    parts = urlsplit(cleaned)
    scheme = parts.scheme.lower()
    results = [
        CheckResult(
            "safe_scheme",
            scheme not in FORBIDDEN_SCHEMES,
            "" if scheme not in FORBIDDEN_SCHEMES else f"'{scheme}:' URLs are not allowed.",
        ),
        CheckResult(
            "https_url",
            scheme == "https" and bool(parts.hostname) and len(url) <= URL_MAX and cleaned == url,
            "" if scheme == "https" and parts.hostname else "The call-to-action URL must be an https:// URL.",
        ),
    ]
    host = parts.hostname or ""
    blocked = bool(host) and _host_blocked(host)
    results.append(CheckResult("domain_allowed", not blocked, f"{host} is on the blocked list." if blocked else ""))
    return results


def _length(name: str, value: str, limit: int, *, required: bool) -> CheckResult:
    if required and not value.strip():
        return CheckResult(f"{name}_length", False, f"The {name.replace('_', ' ')} is required.")
    ok = len(value) <= limit
    return CheckResult(f"{name}_length", ok, "" if ok else f"At most {limit} characters ({len(value)} given).")


def check_media(creative) -> CheckResult:
    fmt = creative.format
    if fmt in ("text", "promoted_post"):
        ok = not creative.media
        return CheckResult("media", ok, "" if ok else f"A {fmt.replace('_', ' ')} ad has no media.")
    if not creative.media:
        return CheckResult("media", False, f"A {fmt} ad needs a media file.")
    allowed = IMAGE_TYPES if fmt == "image" else VIDEO_TYPES
    limit = settings.ADS_MAX_IMAGE_BYTES if fmt == "image" else settings.ADS_MAX_VIDEO_BYTES
    if creative.media_content_type not in allowed:
        return CheckResult("media", False, f"{creative.media_content_type or 'unknown'} is not an accepted {fmt} type.")
    if creative.media_size > limit:
        return CheckResult("media", False, f"The file is {creative.media_size} bytes; the limit is {limit}.")
    return CheckResult("media", True)


def creative_checks(creative) -> list[CheckResult]:
    results = [
        _length("headline", creative.headline, HEADLINE_MAX, required=creative.format != "promoted_post"),
        _length("body", creative.body, BODY_MAX, required=creative.format == "text"),
        _length("cta_label", creative.cta_label, CTA_LABEL_MAX, required=True),
        *check_url(creative.cta_url),
        check_media(creative),
    ]
    if creative.format == "promoted_post":
        ok = creative.promoted_post_id is not None
        results.append(CheckResult("promoted_post", ok, "" if ok else "Choose the post to promote."))
    return results
