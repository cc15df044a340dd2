"""What ad serving may know about the viewer: country, language, age, interests, device.

Only what the person told us (users.User country/language/birth_date), the hashtags they used or
liked (cached briefly: one query per viewer per ADS_INTEREST_CACHE_SECONDS) and the User-Agent.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from content.models import Hashtag
from social.models import Like

_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobile|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.I)


def device_from_user_agent(ua: str) -> str:
    if _TABLET.search(ua or ""):
        return "tablet"
    if _MOBILE.search(ua or ""):
        return "mobile"
    return "desktop"


_bot_re = None


def is_bot_user_agent(ua: str) -> bool:
    global _bot_re
    if _bot_re is None:
        _bot_re = re.compile("|".join(settings.ADS_BOT_USER_AGENT_PATTERNS), re.I)
    return not ua or bool(_bot_re.search(ua))


def age_on(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@dataclass
class ViewerProfile:
    user: object | None
    key: str  # user id, or a hash of address + user agent for signed-out viewers
    country: str = ""
    language: str = ""
    age: int | None = None
    device: str = "desktop"
    interests: frozenset = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None


def interests_cache_key(user) -> str:
    return f"ads:interests:{user.pk}"


def _interests(user, prefetched: dict | None = None) -> frozenset:
    key = interests_cache_key(user)
    cached = prefetched.get(key) if prefetched is not None else cache.get(key)
    if cached is not None:
        return cached
    # Hashtags of the viewer's own posts and of the last posts they liked: one indexed query, cached.
    liked = Like.objects.filter(user=user, post__isnull=False).order_by("-id").values("post_id")[:200]
    names = frozenset(
        Hashtag.objects.filter(
            Q(post_links__post__author=user) | Q(post_links__post_id__in=liked),
            post_links__post__deleted_at__isnull=True,
        )
        .order_by()
        .values_list("name", flat=True)
        .distinct()[:100]
    )
    cache.set(key, names, settings.ADS_INTEREST_CACHE_SECONDS)
    return names


def viewer_profile_for_request(
    *, user, user_agent: str, remote_addr: str, prefetched: dict | None = None
) -> ViewerProfile:
    """`prefetched`: cache values the caller already read in one round trip (see ads.selectors)."""
    ua = user_agent or ""
    device = device_from_user_agent(ua)
    if user is None or not getattr(user, "is_authenticated", False):
        digest = hashlib.sha256(f"{remote_addr}|{ua}".encode()).hexdigest()[:32]
        return ViewerProfile(user=None, key=f"anon:{digest}", device=device)
    return ViewerProfile(
        user=user,
        key=str(user.pk),
        country=(user.country or "").upper(),
        language=(user.language or "").lower().split("-")[0],
        age=age_on(user.birth_date, timezone.now().date()),
        device=device,
        interests=_interests(user, prefetched),
    )
