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
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from ads.models import Advertiser, Campaign, Creative
from ads.models.campaign import MILLI

VERSION_KEY = "ads:index:version"
EPOCH_KEY = "ads:index:epoch"
INDEX_KEYS = (VERSION_KEY, EPOCH_KEY)
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


def build_index(*, now=None, creative_ids=None) -> dict[str, list[Candidate]]:
    """One query: approved creatives of active campaigns (not yet ended) of active advertisers
    (only those in `creative_ids` when given, for a patch).

    Plain tuples rather than model instances: building 10,000 candidates is dominated by Python
    object creation, and tuples cost a fraction of full model rows."""
    now = now or timezone.now()
    base = Creative.objects.all() if creative_ids is None else Creative.objects.filter(pk__in=creative_ids)
    rows = (
        base.filter(
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
        candidates.sort(key=_rank_key)
    return by_placement


class _Snapshot:
    def __init__(self):
        self.version = None
        self.epoch = None
        self.built_at = 0.0  # monotonic time of the last full build
        self.mark = None  # wall-clock time the data was read at (patches fetch what changed since)
        self.by_placement: dict[str, list[Candidate]] = {p: [] for p in PLACEMENTS}
        self.lock = threading.Lock()


_snapshot = _Snapshot()
# A patch re-reads rows changed since the last read minus this margin: it covers clock skew between
# app servers and transactions that committed a little after they stamped `updated_at`.
PATCH_MARGIN = timedelta(seconds=30)
PATCH_LIMIT = 2000  # more changed creatives than this: a full build is cheaper


def _rank_key(c: Candidate):
    # Best expected revenue first; the id breaks ties so the order is stable between rebuilds.
    return (-c.score, c.creative_id)


def _current_version(known: dict | None = None) -> tuple[str, str]:
    """(version, epoch). The epoch changes only when the cache loses its keys (restart, eviction, a
    test clearing it): then nothing about the past can be trusted and the snapshot is built in full.
    `known`: these keys as the caller already read them (see ads.selectors), saving a round trip."""
    values = known if known is not None and EPOCH_KEY in known else cache.get_many([VERSION_KEY, EPOCH_KEY])
    version, epoch = values.get(VERSION_KEY), values.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, uuid.uuid4().hex, None)
        epoch = cache.get(EPOCH_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version, epoch


def _changed_creative_ids(since) -> set[str] | None:
    """Creatives whose own row, campaign, advertiser or promoted post changed since `since`
    (None: too many to patch)."""
    ids = list(
        Creative.objects.filter(
            Q(updated_at__gte=since)
            | Q(campaign__updated_at__gte=since)
            | Q(campaign__advertiser__updated_at__gte=since)
            | Q(promoted_post__updated_at__gte=since)
        )
        .order_by()
        .values_list("id", flat=True)[: PATCH_LIMIT + 1]
    )
    return None if len(ids) > PATCH_LIMIT else {str(pk) for pk in ids}


def _refresh(snap: _Snapshot, version: str, epoch: str) -> None:
    """Bring the snapshot up to date and swap it in; the caller holds `snap.lock`, released here.

    A new version is usually one advertiser's edit: re-read only the creatives changed since the last
    read and splice them into the ranked lists (milliseconds), instead of rebuilding 10,000 rows."""
    try:
        # Wall clock from `time`, not timezone.now(): the mark must never run ahead of real rows.
        mark = datetime.fromtimestamp(time.time(), UTC)
        full = snap.mark is None or snap.epoch != epoch
        changed = None if full else _changed_creative_ids(snap.mark - PATCH_MARGIN)
        if changed is None:
            by_placement = build_index()
            snap.built_at = time.monotonic()
        else:
            fresh = build_index(creative_ids=changed) if changed else {p: [] for p in PLACEMENTS}
            by_placement = {}
            for placement in PLACEMENTS:
                kept = [c for c in snap.by_placement.get(placement, []) if c.creative_id not in changed]
                kept.extend(fresh[placement])
                kept.sort(key=_rank_key)
                by_placement[placement] = kept
        # Published in one assignment each, readers see either the old or the new lists.
        snap.by_placement, snap.version, snap.epoch, snap.mark = by_placement, version, epoch, mark
    finally:
        snap.lock.release()


def _refresh_in_background(snap: _Snapshot, version: str, epoch: str) -> None:
    def run():
        snap.mark = None  # a periodic refresh is a full build
        try:
            _refresh(snap, version, epoch)
        finally:
            connections.close_all()  # this thread's own connection; requests keep theirs

    threading.Thread(target=run, name="ads-index-refresh", daemon=True).start()


def index_candidates(placement: str, *, known: dict | None = None) -> list[Candidate]:
    """The ranked candidates for a placement, bringing this process's snapshot up to date first.

    A new version (something changed: an approval, a pause, a spent budget) is applied before this
    request is answered, as a patch of the changed creatives, so changes take effect at once; other
    threads keep serving the previous lists meanwhile. A snapshot that is merely old (CTR estimates,
    dates, promoted posts' visibility, deleted rows) is rebuilt in full by a background thread while
    requests keep using it, so no request pays for the periodic refresh.
    """
    version, epoch = _current_version(known)
    snap = _snapshot
    if snap.version != version or snap.epoch != epoch:
        if snap.lock.acquire(blocking=snap.version is None):
            if snap.version != version or snap.epoch != epoch:
                _refresh(snap, version, epoch)
            else:
                snap.lock.release()
    elif time.monotonic() - snap.built_at >= settings.ADS_INDEX_REFRESH_SECONDS and snap.lock.acquire(blocking=False):
        _refresh_in_background(snap, version, epoch)
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
