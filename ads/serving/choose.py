"""Choosing the ads for one request: filter the pre-ranked index by what is known of the viewer.

Per request: one cache GET (index version), one query for the viewer's premium status, one for
blocks, one for today's impressions per campaign (frequency caps, only when a candidate has a cap),
and one cache GET_MANY for the spend of the few candidates considered. The index is scanned in rank
order and the scan stops as soon as enough ads are found, so 10,000 campaigns cost about as much as 10.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from ads.models import AdImpression
from ads.serving.index import Candidate, index_candidates, spend_read
from ads.serving.reasons import reason_for
from ads.tokens import ServeToken, new_jti
from ads.viewer_profile import ViewerProfile
from payments.selectors import user_has_premium
from users.selectors import blocked_user_ids

BATCH = 24  # candidates whose spend is fetched at once; most requests need one batch
MAX_SCAN = 2000  # bound the work a single request may do when almost nothing matches


@dataclass(frozen=True)
class ServedAd:
    candidate: Candidate
    token: str
    reason: str


def targeting_matches(c: Candidate, p: ViewerProfile) -> bool:
    if c.countries and p.country not in c.countries:
        return False
    if c.languages and p.language not in c.languages:
        return False
    if c.age_min is not None or c.age_max is not None:
        if p.age is None:
            return False  # an age-targeted ad never reaches someone whose age we do not know
        if c.age_min is not None and p.age < c.age_min:
            return False
        if c.age_max is not None and p.age > c.age_max:
            return False
    if c.interests and not (c.interests & p.interests):
        return False
    return not (c.devices and p.device not in c.devices)


def day_bounds(now) -> tuple[datetime, datetime]:
    start = datetime.combine(now.date(), time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def pacing_allows(c: Candidate, *, spent_today: int, spent_total: int, now) -> bool:
    """Budget left today and in total for one more event; with even pacing, today's spend must stay
    near the elapsed share of the day (since the campaign started, if it started today)."""
    if spent_total + c.price_milli > c.total_budget_milli or spent_today + c.price_milli > c.daily_budget_milli:
        return False
    if c.pacing != "even":
        return True
    day_start, day_end = day_bounds(now)
    begin = max(day_start.timestamp(), c.start_ts)
    span = day_end.timestamp() - begin
    elapsed = 1.0 if span <= 0 else (now.timestamp() - begin) / span
    allowance = c.daily_budget_milli * min(1.0, elapsed + settings.ADS_PACING_SLACK_PERCENT / 100)
    return spent_today < allowance


def _spend_now(c: Candidate, cached: tuple | None, today) -> tuple[int, int]:
    if cached is not None:
        day, today_milli, total_milli = cached
        return (today_milli if day == today.isoformat() else 0), max(total_milli, c.snapshot_spent_total_milli)
    today_spent = c.snapshot_spent_today_milli if c.snapshot_spent_day == today else 0
    return today_spent, c.snapshot_spent_total_milli


def _impressions_today(profile: ViewerProfile, now) -> dict[str, int]:
    start, _ = day_bounds(now)
    rows = (
        AdImpression.objects.filter(viewer_key=profile.key, created_at__gte=start, campaign__isnull=False)
        .values("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {str(r["campaign_id"]): r["n"] for r in rows}


def choose_ads(
    *, profile: ViewerProfile, placement: str, count: int, creator_id=None, index_keys: dict | None = None
) -> list[ServedAd]:
    if count <= 0:
        return []
    if profile.user is not None and user_has_premium(user=profile.user):
        return []  # ad-free plan
    now = timezone.now()
    ts = now.timestamp()
    today = now.date()
    blocked = blocked_user_ids(viewer=profile.user) if profile.user is not None else set()
    freq: dict[str, int] | None = None
    chosen: list[ServedAd] = []
    seen_campaigns: set[str] = set()
    batch: list[Candidate] = []

    def flush() -> None:
        spends = spend_read(batch)
        for c in batch:
            if len(chosen) >= count:
                break
            spent_today, spent_total = _spend_now(c, spends.get(c.campaign_id), today)
            if not pacing_allows(c, spent_today=spent_today, spent_total=spent_total, now=now):
                continue
            seen_campaigns.add(c.campaign_id)
            token = ServeToken(
                jti=new_jti(), creative_id=c.creative_id, campaign_id=c.campaign_id, viewer_key=profile.key,
                viewer_id=str(profile.user.pk) if profile.user is not None else None, placement=placement,
                country=profile.country, device=profile.device, creator_id=str(creator_id) if creator_id else None,
                landing_url=c.cta_url,
            )  # fmt: skip
            chosen.append(ServedAd(candidate=c, token=token.dumps(), reason=reason_for(c, profile)))
        batch.clear()

    for scanned, c in enumerate(index_candidates(placement, known=index_keys)):
        if len(chosen) >= count or scanned >= MAX_SCAN:
            break
        if c.campaign_id in seen_campaigns or not (c.start_ts <= ts < c.end_ts):
            continue
        if c.advertiser_user_id in blocked or not targeting_matches(c, profile):
            continue
        if c.frequency_cap is not None:
            if profile.user is None:
                continue  # a cap is a promise per person; signed-out viewers cannot be counted
            if freq is None:
                freq = _impressions_today(profile, now)
            if freq.get(c.campaign_id, 0) >= c.frequency_cap:
                continue
        if any(b.campaign_id == c.campaign_id for b in batch):
            continue
        batch.append(c)
        if len(batch) >= BATCH or len(batch) >= (count - len(chosen)) * 4:
            flush()
    if batch and len(chosen) < count:
        flush()
    return chosen
