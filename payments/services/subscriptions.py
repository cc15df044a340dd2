"""Fan subscriptions. Stripe is the authority on status: every change lands through `subscription_sync`,
which re-reads the subscription from Stripe, so events delivered late or out of order cannot roll the
state back (the paid-through date only ever grows, except when Stripe says the subscription ended).
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict, NotFound, ValidationFailed
from notifications.services import notification_send
from payments import gateway
from payments.models import Subscription, Tier
from payments.services.customers import customer_get_or_create
from users.selectors import is_blocked_between

logger = logging.getLogger("socialflow.payments")

STRIPE_STATUS = {
    "active": Subscription.Status.ACTIVE,
    "trialing": Subscription.Status.ACTIVE,
    "past_due": Subscription.Status.PAST_DUE,
    "unpaid": Subscription.Status.PAST_DUE,
    "paused": Subscription.Status.PAST_DUE,
    "incomplete": Subscription.Status.INCOMPLETE,
    "incomplete_expired": Subscription.Status.CANCELED,
    "canceled": Subscription.Status.CANCELED,
}


def _ts(value) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


def _period_end(stripe_sub: dict) -> dt.datetime | None:
    # Newer Stripe API versions moved the period onto the subscription items.
    end = stripe_sub.get("current_period_end")
    if end is None:
        items = (stripe_sub.get("items") or {}).get("data") or []
        end = items[0].get("current_period_end") if items else None
    return _ts(end)


def _plan(stripe_sub: dict) -> dict:
    items = (stripe_sub.get("items") or {}).get("data") or []
    if items:
        return items[0].get("plan") or items[0].get("price") or {}
    return stripe_sub.get("plan") or {}


def subscription_create(*, fan, tier: Tier, payment_method: str) -> Subscription:
    """Subscribe `fan` to `tier`, paying with `payment_method` (a Stripe PaymentMethod id).

    The local row is written first (status incomplete), so the one-live-subscription constraint turns
    a concurrent second attempt away before anyone is charged; access starts when Stripe reports the
    first invoice paid (webhook). Not one transaction on purpose: the reservation commits before
    Stripe is called, so a crash mid-way leaves a row the webhook finds (by the id in Stripe's metadata).
    """
    if not tier.is_active or tier.creator.status not in tier.creator.VISIBLE_STATUSES:
        raise NotFound("Tier not found.")
    if tier.creator_id == fan.pk:
        raise ValidationFailed("You cannot subscribe to yourself.")
    if is_blocked_between(fan, tier.creator):
        raise NotFound("Tier not found.")
    gateway.require_configured()
    customer = customer_get_or_create(user=fan)
    _abandon_incomplete(fan=fan, creator=tier.creator)
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                fan=fan,
                creator=tier.creator,
                tier=tier,
                price_amount=tier.price_amount,
                stripe_plan_id=tier.stripe_plan_id,
            )
    except IntegrityError as exc:
        raise Conflict("You already have a subscription to this creator.", code="already_subscribed") from exc
    try:
        gateway.payment_method_attach(payment_method=payment_method, customer=customer.stripe_customer_id)
        gateway.customer_set_default_payment_method(customer=customer.stripe_customer_id, payment_method=payment_method)
        stripe_sub = gateway.subscription_create(
            customer=customer.stripe_customer_id,
            plan=tier.stripe_plan_id,
            metadata={"subscription_id": str(subscription.pk), "fan_id": str(fan.pk), "tier_id": str(tier.pk)},
            idempotency_key=f"subscription:{subscription.pk}",
        )
    except Exception:
        subscription.status = Subscription.Status.CANCELED
        subscription.canceled_at = timezone.now()
        subscription.save(update_fields=["status", "canceled_at", "updated_at"])
        raise
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        return _apply(subscription, stripe_sub, paid_invoice=None)


def _abandon_incomplete(*, fan, creator) -> None:
    """A first payment that never went through (declined card) must not block a new attempt: cancel
    the incomplete subscription at Stripe and here, so its one-live slot frees up."""
    with transaction.atomic():
        stale = (
            Subscription.objects.select_for_update()
            .filter(fan=fan, creator=creator, status=Subscription.Status.INCOMPLETE)
            .first()
        )
        if stale is None:
            return
        if stale.stripe_subscription_id:
            remote = gateway.subscription_retrieve(subscription=stale.stripe_subscription_id)
            if remote.get("status") == "incomplete":
                remote = gateway.subscription_cancel_now(subscription=stale.stripe_subscription_id)
            _apply(stale, remote, paid_invoice=None)
            if stale.status != Subscription.Status.CANCELED:
                return  # Stripe says it did go through after all: the caller gets the usual conflict
        else:
            stale.status = Subscription.Status.CANCELED
            stale.canceled_at = timezone.now()
            stale.save(update_fields=["status", "canceled_at", "updated_at"])


def _locked_for(stripe_sub: dict) -> Subscription | None:
    qs = Subscription.objects.select_for_update()
    local = qs.filter(stripe_subscription_id=stripe_sub["id"]).first()
    if local is None:
        local_id = (stripe_sub.get("metadata") or {}).get("subscription_id")
        if local_id:
            local = qs.filter(pk=local_id).first()
    return local


def _apply(subscription: Subscription, stripe_sub: dict, *, paid_invoice: dict | None) -> Subscription:
    """Copy Stripe's view of the subscription onto the row (the one status transition of Subscription)."""
    status = STRIPE_STATUS.get(stripe_sub.get("status"), subscription.status)
    subscription.stripe_subscription_id = stripe_sub["id"]
    subscription.cancel_at_period_end = bool(stripe_sub.get("cancel_at_period_end"))
    subscription.current_period_end = _period_end(stripe_sub) or subscription.current_period_end
    plan = _plan(stripe_sub)
    if plan.get("id") and plan["id"] != subscription.stripe_plan_id:
        tier_id = (plan.get("metadata") or {}).get("tier_id")
        tier = Tier.objects.filter(pk=tier_id, creator_id=subscription.creator_id).first() if tier_id else None
        if tier is not None:
            subscription.tier = tier
        subscription.stripe_plan_id = plan["id"]
        subscription.price_amount = plan.get("amount") or plan.get("unit_amount") or subscription.price_amount
    if paid_invoice is not None and paid_invoice.get("status") == "paid" and status != Subscription.Status.CANCELED:
        lines = (paid_invoice.get("lines") or {}).get("data") or []
        period_end = _ts(lines[0]["period"]["end"]) if lines and lines[0].get("period") else None
        period_end = period_end or subscription.current_period_end
        if period_end and (subscription.paid_through is None or period_end > subscription.paid_through):
            subscription.paid_through = period_end
    if status == Subscription.Status.CANCELED:
        ended = _ts(stripe_sub.get("ended_at")) or timezone.now()
        subscription.canceled_at = subscription.canceled_at or ended
        if subscription.paid_through and ended < subscription.paid_through:
            subscription.paid_through = ended
    ended = status == Subscription.Status.CANCELED and subscription.status != Subscription.Status.CANCELED
    subscription.status = status
    if ended and subscription.paid_through is not None:
        # The fan learns their access has ended (an abandoned first attempt was never theirs to lose).
        notification_send(
            recipient=subscription.fan,
            type="subscription_ended",
            actor=subscription.creator,
            target=subscription.tier,
            data={"tier": subscription.tier.name, "paid_through": subscription.paid_through.isoformat()},
        )
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        # Another live row for this fan and creator exists (e.g. resubscribed); Stripe still wins on
        # this one's status, but it cannot be live twice: record it as canceled.
        logger.warning("second live subscription refused", extra={"subscription": str(subscription.pk)})
        subscription.status = Subscription.Status.CANCELED
        subscription.save()
    return subscription


@transaction.atomic
def subscription_sync(*, stripe_subscription_id: str, paid_invoice: dict | None = None) -> Subscription | None:
    """Re-read the subscription from Stripe and apply it. None when it is not one of ours."""
    stripe_sub = gateway.subscription_retrieve(subscription=stripe_subscription_id)
    local = _locked_for(stripe_sub)
    if local is None:
        return None
    return _apply(local, stripe_sub, paid_invoice=paid_invoice)


def _own_live(subscription: Subscription, fan) -> Subscription:
    if subscription.fan_id != fan.pk:
        raise NotFound("Subscription not found.")
    if subscription.status == Subscription.Status.CANCELED:
        raise Conflict("This subscription has ended.", code="subscription_ended")
    if not subscription.stripe_subscription_id:
        raise Conflict("This subscription is still being set up.", code="subscription_incomplete")
    gateway.require_configured()
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, fan) -> Subscription:
    """Cancel at the end of the paid period: access lasts until then."""
    subscription = _own_live(subscription, fan)
    stripe_sub = gateway.subscription_update(
        subscription=subscription.stripe_subscription_id, params={"cancel_at_period_end": True}
    )
    return _apply(subscription, stripe_sub, paid_invoice=None)


@transaction.atomic
def subscription_resume(*, subscription: Subscription, fan) -> Subscription:
    subscription = _own_live(subscription, fan)
    stripe_sub = gateway.subscription_update(
        subscription=subscription.stripe_subscription_id, params={"cancel_at_period_end": False}
    )
    return _apply(subscription, stripe_sub, paid_invoice=None)


@transaction.atomic
def subscription_change_tier(*, subscription: Subscription, fan, tier: Tier) -> Subscription:
    """Move to another tier of the same creator (Stripe prorates); the new plan is the tier's current one."""
    subscription = _own_live(subscription, fan)
    if tier.creator_id != subscription.creator_id or not tier.is_active:
        raise ValidationFailed(errors={"tier": ["Choose an active tier of the same creator."]})
    if tier.pk == subscription.tier_id:
        return subscription
    stripe_sub = gateway.subscription_retrieve(subscription=subscription.stripe_subscription_id)
    items = (stripe_sub.get("items") or {}).get("data") or []
    params = {"items": [{"id": items[0]["id"], "plan": tier.stripe_plan_id}]} if items else {}
    stripe_sub = gateway.subscription_update(subscription=subscription.stripe_subscription_id, params=params)
    subscription.tier = tier
    return _apply(subscription, stripe_sub, paid_invoice=None)
