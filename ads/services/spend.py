"""Exact spend: one locked campaign row per event, integer milli-minor counters, no overspend.

Callers hold the campaign row lock (`select_for_update`) for the whole event transaction, so two
concurrent events of one campaign run one after the other: the second sees the first's spend, and an
event that the remaining budget (today's or the total) cannot cover is refused — the budget is never
exceeded at all, which is stronger than "by at most one event's price".

Ledger amounts: the ledger moves whole minor units. An event's `charge_minor` is how many whole
units the campaign's running total crossed with it (floor(new/1000) - floor(old/1000)), so the sum of
the ledger postings always equals floor(spent_total_milli / 1000), with no rounding drift, and each
posting is keyed by its event's id. The creator share accrues the same way per creator and currency.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction

from ads.models import Campaign, Creative, CreatorAdEarning
from ads.models.campaign import MILLI
from ads.serving.index import spend_publish


@dataclass(frozen=True)
class Charge:
    cost_milli: int
    charge_minor: int
    creator_share_minor: int


def spend_charge_locked(*, campaign: Campaign, creative: Creative, cost_milli: int, today, creator=None,
                        counter: str) -> Charge | None:  # fmt: skip
    """Charge `cost_milli` to a campaign whose row the caller has locked; None when the budget cannot
    cover it. Updates the creative's CTR counter (`counter`: impressions_count or clicks_count)."""
    assert transaction.get_connection().in_atomic_block
    spent_today = campaign.spent_today_for(today)
    if cost_milli and (
        campaign.spent_total_milli + cost_milli > campaign.total_budget * MILLI
        or spent_today + cost_milli > campaign.daily_budget * MILLI
    ):
        return None
    new_total = campaign.spent_total_milli + cost_milli
    charge_minor = new_total // MILLI - campaign.charged_minor
    campaign.spent_total_milli = new_total
    campaign.spent_today_milli = spent_today + cost_milli
    campaign.spent_day = today
    campaign.charged_minor = new_total // MILLI
    # Plain assignment is exact here: the row is locked, nobody else can have changed these columns.
    # `updated_at` is left alone on purpose: it marks changes the serving index must pick up (edits,
    # status), and spend reaches serving through the cache instead (see ads.serving.index).
    campaign.save(update_fields=["spent_total_milli", "spent_today_milli", "spent_day", "charged_minor"])
    Creative.objects.filter(pk=creative.pk).update(**{counter: _plus_one(counter)})
    share_minor = 0
    if creator is not None and cost_milli and creator.pk != campaign.advertiser.user_id:
        share_minor = _creator_accrue(creator=creator, currency=campaign.currency, cost_milli=cost_milli)
    transaction.on_commit(
        lambda: spend_publish(
            campaign_id=campaign.pk, day=today, today_milli=campaign.spent_today_milli, total_milli=new_total
        )
    )
    return Charge(cost_milli=cost_milli, charge_minor=charge_minor, creator_share_minor=share_minor)


def _plus_one(counter: str):
    from django.db.models import F

    return F(counter) + 1


def _creator_accrue(*, creator, currency: str, cost_milli: int) -> int:
    share_milli = int(
        (Decimal(cost_milli) * settings.ADS_CREATOR_REVENUE_SHARE_PERCENT / 100).to_integral_value(ROUND_DOWN)
    )
    if share_milli == 0:
        return 0
    CreatorAdEarning.objects.get_or_create(creator=creator, currency=currency)
    # Locked after the campaign row, always in that order, so two events cannot deadlock.
    earning = CreatorAdEarning.objects.select_for_update().get(creator=creator, currency=currency)
    before = earning.accrued_milli
    earning.accrued_milli = before + share_milli
    earning.save(update_fields=["accrued_milli", "updated_at"])
    return earning.accrued_milli // MILLI - before // MILLI


def budget_left_for_another(campaign: Campaign, today) -> bool:
    """Can the total budget still pay for one more chargeable event?"""
    return campaign.spent_total_milli + campaign.price_milli <= campaign.total_budget * MILLI
