"""Creators' tiers and the platform's premium tiers: each a Stripe Product with a monthly Plan.

A price change creates a new Plan and points the tier at it; existing subscribers stay on the plan
they subscribed to (Stripe keeps billing it), new subscribers get the new price.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from payments import gateway
from payments.models import Tier

MAX_TIERS_PER_CREATOR = 10


def platform_account():
    """The account that owns the premium plan's tiers (PAYMENTS_PLATFORM_USERNAME), or None."""
    return get_user_model().objects.filter(username__iexact=settings.PAYMENTS_PLATFORM_USERNAME).first()


def _validate(tier: Tier) -> None:
    if tier.currency not in settings.SUPPORTED_CURRENCIES:
        raise ValidationFailed(errors={"currency": [f"Use one of {', '.join(settings.SUPPORTED_CURRENCIES)}."]})
    try:
        tier.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(errors=exc.message_dict) from exc


def _may_sell(user) -> bool:
    platform = platform_account()
    return user.is_creator or (platform is not None and platform.pk == user.pk)


def _new_plan(tier: Tier) -> str:
    plan = gateway.plan_create(
        product=tier.stripe_product_id,
        amount=tier.price_amount,
        currency=tier.currency,
        metadata={"tier_id": str(tier.pk)},
        idempotency_key=f"plan:{tier.pk}:{tier.price_amount}:{tier.currency}",
    )
    return plan["id"]


@transaction.atomic
def tier_create(
    *, creator, name: str, price_amount: int, currency: str, description: str = "", benefits=None, is_active=True
) -> Tier:
    if not _may_sell(creator):
        raise PermissionDenied("Only creators can offer tiers.")
    gateway.require_configured()
    if Tier.objects.filter(creator=creator).count() >= MAX_TIERS_PER_CREATOR:
        raise ValidationFailed(f"A creator can have at most {MAX_TIERS_PER_CREATOR} tiers.")
    tier = Tier(
        creator=creator,
        name=name,
        price_amount=price_amount,
        currency=currency.lower(),
        description=description,
        benefits=benefits or [],
        is_active=is_active,
    )
    _validate(tier)
    # The row is written only if Stripe accepted both objects; a failure rolls the tier back.
    product = gateway.product_create(
        name=f"{creator.username}: {name}",
        description=description,
        metadata={"tier_id": str(tier.pk), "creator_id": str(creator.pk)},
        idempotency_key=f"product:{tier.pk}",
    )
    tier.stripe_product_id = product["id"]
    tier.stripe_plan_id = _new_plan(tier)
    tier.save()
    return tier


@transaction.atomic
def tier_update(*, tier: Tier, actor, **changes) -> Tier:
    if tier.creator_id != actor.pk:
        raise NotFound("Tier not found.")
    gateway.require_configured()
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    old = (tier.price_amount, tier.currency, tier.name, tier.is_active)
    for field in ("name", "description", "benefits", "price_amount", "currency", "is_active"):
        if field in changes and changes[field] is not None:
            setattr(tier, field, changes[field].lower() if field == "currency" else changes[field])
    _validate(tier)
    if (tier.price_amount, tier.currency) != old[:2]:
        tier.stripe_plan_id = _new_plan(tier)
    if (tier.name, tier.is_active) != old[2:]:
        gateway.product_update(
            product=tier.stripe_product_id, name=f"{tier.creator.username}: {tier.name}", active=tier.is_active
        )
    tier.save()
    return tier
