"""Reads about money state. Layers above rely on `subscription_grants_access`, `subscribed_creator_tiers`
(content visibility) and `user_has_premium` (ads skip ad-free users)."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone

from payments import ledger
from payments.models import ConnectAccount, JournalEntry, JournalLine, LedgerAccount, Payout, Subscription, Tier, Tip


def subscription_grants_access(*, fan, creator, min_tier: Tier | None = None) -> bool:
    """Has `fan` paid-up access to `creator`'s subscriber content (at `min_tier` or above, by price)?"""
    if fan is None or not getattr(fan, "is_authenticated", False):
        return False
    if fan.pk == getattr(creator, "pk", creator):
        return True  # creators always see their own content
    qs = Subscription.objects.filter(fan=fan, creator=creator, paid_through__gt=timezone.now()).exclude(
        status=Subscription.Status.INCOMPLETE
    )
    if min_tier is not None:
        qs = qs.filter(tier__currency=min_tier.currency, tier__price_amount__gte=min_tier.price_amount)
    return qs.exists()


def subscribed_creator_tiers(*, fan) -> dict:
    """{creator_id: highest paid-up tier price} for the fan — one query, for list visibility filters."""
    return subscribed_creator_tiers_until(fan=fan)[0]


def subscribed_creator_tiers_until(*, fan) -> tuple[dict, dt.datetime | None]:
    """`subscribed_creator_tiers` and when the first of the subscriptions it counts runs out (None: none
    does), for callers that keep the answer: it changes at that moment without any write."""
    if fan is None or not getattr(fan, "is_authenticated", False):
        return {}, None
    rows = (
        Subscription.objects.filter(fan=fan, paid_through__gt=timezone.now())
        .exclude(status=Subscription.Status.INCOMPLETE)
        .values_list("creator_id", "tier__price_amount", "paid_through")
    )
    best: dict = {}
    until = None
    for creator_id, price, paid_through in rows:
        best[creator_id] = max(price, best.get(creator_id, 0))
        until = paid_through if until is None else min(until, paid_through)
    return best, until


def user_has_premium(*, user) -> bool:
    """Is `user` paid up on any tier of the platform account (the premium plan: ad-free, bigger quota)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        Subscription.objects.filter(
            fan=user,
            creator__username__iexact=settings.PAYMENTS_PLATFORM_USERNAME,
            paid_through__gt=timezone.now(),
        )
        .exclude(status=Subscription.Status.INCOMPLETE)
        .exists()
    )


# --- tiers and subscriptions --------------------------------------------------------------------------
def tier_list_for_creator(*, creator, viewer):
    qs = Tier.objects.filter(creator=creator).select_related("creator").order_by("price_amount", "id")
    if viewer is None or getattr(viewer, "pk", None) != creator.pk:
        qs = qs.filter(is_active=True)
    return qs


def tier_get_for_viewer(*, viewer, tier_id) -> Tier | None:
    """A tier the viewer may subscribe to (active) or manage (their own)."""
    tier = Tier.objects.select_related("creator").filter(pk=tier_id).first()
    if tier is None:
        return None
    if tier.creator_id != getattr(viewer, "pk", None) and not tier.is_active:
        return None
    return tier


def subscription_list_for_fan(*, fan):
    return Subscription.objects.filter(fan=fan).select_related("tier", "creator", "fan")


def subscriber_list_for_creator(*, creator):
    """The creator's current subscribers (live, or canceled but still within the paid period)."""
    now = timezone.now()
    return (
        Subscription.objects.filter(creator=creator)
        .filter(Q(status__in=[Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE]) | Q(paid_through__gt=now))
        .select_related("tier", "fan", "creator")
    )


def subscription_get_for_fan(*, fan, subscription_id) -> Subscription | None:
    return subscription_list_for_fan(fan=fan).filter(pk=subscription_id).first()


# --- tips -----------------------------------------------------------------------------------------------
def tip_list_for_user(*, user):
    """Tips the user sent or received."""
    return Tip.objects.filter(Q(fan=user) | Q(creator=user)).select_related("fan", "creator")


def tip_get_for_user(*, user, tip_id) -> Tip | None:
    return tip_list_for_user(user=user).filter(pk=tip_id).first()


# --- balance, payouts, earnings ---------------------------------------------------------------------------
def creator_balance(*, creator, currency: str = "usd") -> dict:
    balances = ledger.creator_balances(user=creator, currency=currency)
    next_release = (
        JournalEntry.objects.filter(
            creator=creator, currency=currency, kind=JournalEntry.Kind.EARNING, available_at__gt=timezone.now()
        )
        .order_by("available_at")
        .values_list("available_at", flat=True)
        .first()
    )
    return {"currency": currency, **balances, "next_release_at": next_release, "hold_days": settings.PAYOUT_HOLD_DAYS}


def connect_account_for(*, user) -> ConnectAccount | None:
    return ConnectAccount.objects.filter(user=user).first()


def payout_list_for_creator(*, creator):
    return Payout.objects.filter(creator=creator).select_related("account")


def payout_get_for_creator(*, creator, payout_id) -> Payout | None:
    return payout_list_for_creator(creator=creator).filter(pk=payout_id).first()


EARNING_KINDS = (
    JournalEntry.Kind.EARNING,
    JournalEntry.Kind.REFUND,
    JournalEntry.Kind.DISPUTE,
    JournalEntry.Kind.DISPUTE_WON,
)
CREATOR_ACCOUNT_KINDS = (
    LedgerAccount.Kind.CREATOR_PENDING,
    LedgerAccount.Kind.CREATOR_AVAILABLE,
    LedgerAccount.Kind.CREATOR_RECEIVABLE,
)


def earnings_for_creator(
    *, creator, date_from: dt.date, date_to: dt.date, group_by: str = "day", currency: str = "usd"
) -> list[dict]:
    """The creator's net earnings (their share, after refunds and disputes) in [date_from, date_to],
    grouped by day, by source (subscription, tip, stream_donation, ad_revenue_share) or by content."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    lines = JournalLine.objects.filter(
        entry__creator=creator,
        entry__kind__in=EARNING_KINDS,
        entry__occurred_at__gte=start,
        entry__occurred_at__lt=end,
        account__user=creator,
        account__kind__in=CREATOR_ACCOUNT_KINDS,
        currency=currency,
    )
    if group_by == "source":
        rows = lines.values("entry__source").annotate(total=Sum("amount")).order_by("entry__source")
        return [{"source": r["entry__source"], "amount": -r["total"], "currency": currency} for r in rows]
    if group_by == "content":
        rows = (
            lines.exclude(entry__source_ref="")
            .values("entry__source_ref", "entry__source")
            .annotate(total=Sum("amount"))
            .order_by("total")
        )
        return [
            {
                "source_ref": r["entry__source_ref"],
                "source": r["entry__source"],
                "amount": -r["total"],
                "currency": currency,
            }
            for r in rows
        ]
    rows = (
        lines.annotate(day=TruncDay("entry__occurred_at")).values("day").annotate(total=Sum("amount")).order_by("day")
    )
    return [{"date": r["day"].date(), "amount": -r["total"], "currency": currency} for r in rows]
