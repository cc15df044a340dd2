"""The eligibility index: every servable creative, per placement, pre-ranked, held in process memory.

Why: with 10,000 active campaigns a per-request SQL query joining creatives, campaigns, advertisers and
targeting would cost tens of milliseconds. Everything that does not depend on the viewer changes only
when an advertiser or reviewer acts, so it is computed once per change instead of once per request:

- `ads:index:version` in the shared cache (Redis) names the current generation. Services that change
  anything the index holds (creative approved/edited, campaign status/targeting/budget/bid, advertiser
  suspended) call `index_invalidate()` after commit, which writes a new version.
- Each process keeps its own snapshot and compares versions on every request (one cache GET). A stale
  or missing version triggers a rebuild: one SQL query, ~10k rows, done by one thread while others keep
  serving the previous snapshot. Snapshots also expire after ADS_INDEX_REFRESH_SECONDS so CTR
  estimates and dates stay fresh even with no changes.
- Spend moves with every event, so it is not trusted from the snapshot: the spend service writes each
  campaign's counters to the cache after commit and the chooser reads them for the few candidates it
  considers (one GET_MANY). The spend service re-checks budgets under a row lock, so a stale read can
  only cost a wasted serve, never an overspend.
"""

import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from ads.models import Advertiser, Campaign, Creative
from ads.models.campaign import MILLI

VERSION_KEY = "ads:index:version"
PLACEMENTS = tuple(Campaign.Placement.values)


@dataclass(slots=True, frozen=True)
class Candidate:
    creative_id: str
    campaign_id: str
    advertiser_user_id: object
    advertiser_name: str
    currency: str
    bid_type: str
    price_milli: int
    score: float  # expected revenue per impression, milli-minor units (the ranking key)
    start_ts: float
    end_ts: float
    daily_budget_milli: int
    total_budget_milli: int
    snapshot_spent_day: object
    snapshot_spent_today_milli: int
    snapshot_spent_total_milli: int
    pacing: str
    frequency_cap: int | None
    countries: frozenset
    languages: frozenset
    age_min: int | None
    age_max: int | None
    interests: frozenset
    devices: frozenset
    format: str
    headline: str
    body: str
    media_url: str
    cta_label: str
    cta_url: str
    promoted_post_id: str | None


def smoothed_ctr(clicks: int, impressions: int) -> float:
    """Clicks over impressions with a prior, so a new ad is neither 0% nor 100% after a few events."""
    prior_ctr = float(settings.ADS_CTR_PRIOR)
    weight = settings.ADS_CTR_PRIOR_IMPRESSIONS
    return (clicks + prior_ctr * weight) / (impressions + weight)


def expected_revenue_milli(*, bid_type: str, bid_amount: int, clicks: int, impressions: int) -> float:
    if bid_type == Campaign.BidType.CPM:
        return float(bid_amount)  # a CPM bid in minor units per 1000 = milli-minor per impression
    return bid_amount * MILLI * smoothed_ctr(clicks, impressions)


def _norm(values, transform=str) -> frozenset:
    return frozenset(transform(v) for v in (values or []))


def _media_url(name: str) -> str:
    return default_storage.url(name) if name else ""


_COLUMNS = (
    "id", "format", "headline", "body", "media", "cta_label", "cta_url", "promoted_post_id", "clicks_count",
    "impressions_count", "campaign_id", "campaign__advertiser__user_id", "campaign__advertiser__company_name",
    "campaign__currency", "campaign__bid_type", "campaign__bid_amount", "campaign__start_at", "campaign__end_at",
    "campaign__daily_budget", "campaign__total_budget", "campaign__spent_day", "campaign__spent_today_milli",
    "campaign__spent_total_milli", "campaign__pacing", "campaign__frequency_cap", "campaign__target_countries",
    "campaign__target_languages", "campaign__target_age_min", "campaign__target_age_max",
    "campaign__target_interests", "campaign__placements", "campaign__target_devices",
)  # fmt: skip


def build_index(*, now=None) -> dict[str, list[Candidate]]:
    """One query: approved creatives of active campaigns (not yet ended) of active advertisers.

    Plain tuples rather than model instances: building 10,000 candidates is dominated by Python
    object creation, and tuples cost a fraction of full model rows."""
    now = now or timezone.now()
    rows = (
        Creative.objects.filter(
            status=Creative.Status.APPROVED,
            campaign__status=Campaign.Status.ACTIVE,
            campaign__end_at__gt=now,
            campaign__advertiser__status=Advertiser.Status.ACTIVE,
        )
        # A promoted post that was deleted or is no longer public stops serving (within one refresh).
        .exclude(
            Q(format=Creative.Format.PROMOTED_POST)
            & (
                Q(promoted_post__isnull=True)
                | Q(promoted_post__deleted_at__isnull=False)
                | ~Q(promoted_post__visibility="public")
            )
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    by_placement: dict[str, list[Candidate]] = {p: [] for p in PLACEMENTS}
    for (pk, fmt, headline, body, media, cta_label, cta_url, post_id, clicks, impressions, campaign_id, adv_user_id,
         adv_name, currency, bid_type, bid_amount, start_at, end_at, daily, total, spent_day, spent_today, spent_total,
         pacing, cap, countries, languages, age_min, age_max, interests, placements, devices) in rows.iterator(
        chunk_size=2000
    ):  # fmt: skip
        cand = Candidate(
            creative_id=str(pk),
            campaign_id=str(campaign_id),
            advertiser_user_id=adv_user_id,
            advertiser_name=adv_name,
            currency=currency,
            bid_type=bid_type,
            price_milli=bid_amount if bid_type == Campaign.BidType.CPM else bid_amount * MILLI,
            score=expected_revenue_milli(
                bid_type=bid_type, bid_amount=bid_amount, clicks=clicks, impressions=impressions
            ),
            start_ts=start_at.timestamp(),
            end_ts=end_at.timestamp(),
            daily_budget_milli=daily * MILLI,
            total_budget_milli=total * MILLI,
            snapshot_spent_day=spent_day,
            snapshot_spent_today_milli=spent_today,
            snapshot_spent_total_milli=spent_total,
            pacing=pacing,
            frequency_cap=cap,
            countries=_norm(countries, lambda v: str(v).upper()),
            languages=_norm(languages, lambda v: str(v).lower()),
            age_min=age_min,
            age_max=age_max,
            interests=_norm(interests, lambda v: str(v).lower().lstrip("#")),
            devices=_norm(devices),
            format=fmt,
            headline=headline,
            body=body,
            media_url=_media_url(media),
            cta_label=cta_label,
            cta_url=cta_url,
            promoted_post_id=str(post_id) if post_id else None,
        )
        for placement in placements or PLACEMENTS:
            if placement in by_placement:
                by_placement[placement].append(cand)
    for candidates in by_placement.values():
        # Best expected revenue first; the id breaks ties so the order is stable between rebuilds.
        candidates.sort(key=lambda x: (-x.score, x.creative_id))
    return by_placement


class _Snapshot:
    def __init__(self):
        self.version = None
        self.built_at = 0.0
        self.by_placement: dict[str, list[Candidate]] = {p: [] for p in PLACEMENTS}
        self.lock = threading.Lock()


_snapshot = _Snapshot()


def _current_version(known: str | None = None) -> str:
    version = known or cache.get(VERSION_KEY)
    if version is None:
        # Cache emptied (restart, eviction, a test): start a new generation so every process rebuilds.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _rebuild(snap: _Snapshot, version: str) -> None:
    """Build and swap in a new snapshot; the caller holds `snap.lock`."""
    try:
        by_placement = build_index()
        snap.by_placement, snap.version, snap.built_at = by_placement, version, time.monotonic()
    finally:
        snap.lock.release()


def _rebuild_in_background(snap: _Snapshot, version: str) -> None:
    def run():
        try:
            _rebuild(snap, version)
        finally:
            connections.close_all()  # this thread's own connection; requests keep theirs

    threading.Thread(target=run, name="ads-index-refresh", daemon=True).start()


def index_candidates(placement: str, *, version: str | None = None) -> list[Candidate]:
    """The ranked candidates for a placement, rebuilding this process's snapshot when needed.

    A new version (something changed: an approval, a pause, a spent budget) is rebuilt before this
    request is answered, so changes take effect at once; other threads keep serving the previous
    snapshot meanwhile. A snapshot that is merely old (CTR estimates, dates) is refreshed by a
    background thread while requests keep using it, so no request pays for a periodic refresh.
    """
    version = _current_version(version)
    snap = _snapshot
    if snap.version != version:
        if snap.lock.acquire(blocking=snap.version is None):
            if snap.version != version:
                _rebuild(snap, version)
            else:
                snap.lock.release()
    elif time.monotonic() - snap.built_at >= settings.ADS_INDEX_REFRESH_SECONDS and snap.lock.acquire(blocking=False):
        _rebuild_in_background(snap, version)
    return snap.by_placement.get(placement, [])


def index_invalidate() -> None:
    """Start a new index generation once the current transaction commits (call from services)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


# --- Spend counters shared through the cache (written by ads.services.spend after commit) ----------


def spend_cache_key(campaign_id) -> str:
    return f"ads:spend:{campaign_id}"


def spend_publish(*, campaign_id, day, today_milli: int, total_milli: int) -> None:
    cache.set(spend_cache_key(campaign_id), (day.isoformat(), today_milli, total_milli), 3 * 86400)


def spend_read(candidates: list[Candidate]) -> dict[str, tuple]:
    keys = {spend_cache_key(c.campaign_id): c.campaign_id for c in candidates}
    found = cache.get_many(list(keys))
    return {keys[k]: v for k, v in found.items()}
