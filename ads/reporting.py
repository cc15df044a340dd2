"""Campaign reports computed from the recorded events (so they always agree with them).

Two grouped aggregate queries (impressions, clicks) over the campaign's events in the date range,
merged by group key. Spend is exact: milli-minor sums, shown as minor units with three decimals.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ads.models import AdClick, AdImpression, Campaign
from ads.models.campaign import MILLI
from core.exceptions import ValidationFailed

GROUPS = ("day", "ad", "placement", "country")
COLUMNS = ("key", "impressions", "valid_clicks", "invalid_clicks", "ctr", "spend_minor", "ecpm_minor")


def _key_expr(group_by: str):
    if group_by == "day":
        return TruncDate("created_at", tzinfo=datetime.UTC)
    return F({"ad": "creative_id", "placement": "placement", "country": "country"}[group_by])


def _row(key, impressions: int, valid_clicks: int, invalid_clicks: int, spend_milli: int) -> dict:
    spend = Decimal(spend_milli) / MILLI
    return {
        "key": "" if key is None else str(key),
        "impressions": impressions,
        "valid_clicks": valid_clicks,
        "invalid_clicks": invalid_clicks,
        "ctr": (Decimal(valid_clicks) / impressions).quantize(Decimal("0.0001")) if impressions else Decimal("0"),
        "spend_minor": spend.quantize(Decimal("0.001")),
        "ecpm_minor": (spend * 1000 / impressions).quantize(Decimal("0.001")) if impressions else Decimal("0"),
    }


def campaign_report(*, campaign: Campaign, date_from=None, date_to=None, group_by: str = "day") -> dict:
    if group_by not in GROUPS:
        raise ValidationFailed(errors={"group_by": [f"One of: {', '.join(GROUPS)}."]})
    today = timezone.now().date()
    date_to = date_to or today
    date_from = date_from or date_to - datetime.timedelta(days=29)
    if date_from > date_to:
        raise ValidationFailed(errors={"from": ["Must not be after 'to'."]})
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=datetime.UTC)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
    window = {"campaign": campaign, "created_at__gte": start, "created_at__lt": end}
    key = _key_expr(group_by)
    impressions = (
        AdImpression.objects.filter(**window)
        .annotate(k=key)
        .values("k")
        .annotate(n_valid=Count("id", filter=Q(valid=True)), spend_sum=Sum("cost_milli"))
        .order_by()
    )
    clicks = (
        AdClick.objects.filter(**window)
        .annotate(k=key)
        .values("k")
        .annotate(
            n_valid=Count("id", filter=Q(valid=True)),
            n_invalid=Count("id", filter=Q(valid=False)),
            spend_sum=Sum("cost_milli"),
        )
        .order_by()
    )
    acc: dict = {}
    for r in impressions:
        a = acc.setdefault(r["k"], [0, 0, 0, 0])
        a[0] += r["n_valid"]
        a[3] += r["spend_sum"] or 0
    for r in clicks:
        a = acc.setdefault(r["k"], [0, 0, 0, 0])
        a[1] += r["n_valid"]
        a[2] += r["n_invalid"]
        a[3] += r["spend_sum"] or 0
    rows = [_row(k, *v) for k, v in sorted(acc.items(), key=lambda kv: str(kv[0]))]
    totals = _row("total", *(sum(v[i] for v in acc.values()) for i in range(4)))
    return {
        "campaign_id": str(campaign.pk),
        "currency": campaign.currency,
        "date_from": date_from,
        "date_to": date_to,
        "group_by": group_by,
        "rows": rows,
        "totals": totals,
    }


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([report["group_by"], *COLUMNS[1:]])
    for row in [*report["rows"], report["totals"]]:
        writer.writerow([row[c] for c in COLUMNS])
    return out.getvalue()
