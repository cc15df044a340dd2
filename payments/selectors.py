"""Reads about money state that layers above rely on (content visibility asks `subscription_grants_access`)."""

from django.utils import timezone

from payments.models import Subscription, Tier


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
    if fan is None or not getattr(fan, "is_authenticated", False):
        return {}
    rows = (
        Subscription.objects.filter(fan=fan, paid_through__gt=timezone.now())
        .exclude(status=Subscription.Status.INCOMPLETE)
        .values_list("creator_id", "tier__price_amount")
    )
    best: dict = {}
    for creator_id, price in rows:
        best[creator_id] = max(price, best.get(creator_id, 0))
    return best
