"""Tips and stream donations: a PaymentIntent now, the tip recorded when Stripe says it succeeded.

`tip_create` commits the pending Tip before it calls Stripe, and puts the tip's id in the
PaymentIntent's metadata, so the `payment_intent.succeeded` webhook always finds its tip, even if
the request died in between. `tip_record_success` is the one transition to succeeded and runs once.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.exceptions import NotFound, ValidationFailed
from notifications.services import notification_send
from payments import gateway, ledger
from payments.models import JournalEntry, Tip
from payments.services.customers import customer_get_or_create
from users.selectors import is_blocked_between

logger = logging.getLogger("socialflow.payments")

TARGET_TYPES = ("post", "video", "live_stream")


def _validate(*, fan, creator, amount: int, currency: str, target_type: str, target_id: str) -> None:
    if creator is None or creator.status not in creator.VISIBLE_STATUSES or is_blocked_between(fan, creator):
        raise NotFound("Creator not found.")
    if creator.pk == fan.pk:
        raise ValidationFailed(errors={"creator": ["You cannot tip yourself."]})
    if currency not in settings.SUPPORTED_CURRENCIES:
        raise ValidationFailed(errors={"currency": [f"Use one of {', '.join(settings.SUPPORTED_CURRENCIES)}."]})
    if not settings.TIP_MIN_AMOUNT <= amount <= settings.TIP_MAX_AMOUNT:
        raise ValidationFailed(
            errors={
                "amount": [f"Tips are between {settings.TIP_MIN_AMOUNT} and {settings.TIP_MAX_AMOUNT} (minor units)."]
            }
        )
    if bool(target_type) != bool(target_id) or (target_type and target_type not in TARGET_TYPES):
        raise ValidationFailed(
            errors={"target_type": [f"Give both target_type ({', '.join(TARGET_TYPES)}) and target_id."]}
        )


def tip_create(
    *,
    fan,
    creator,
    amount: int,
    currency: str,
    payment_method: str,
    message: str = "",
    target_type: str = "",
    target_id: str = "",
) -> tuple[Tip, dict]:
    """Start a tip. Returns (tip, payment_intent); the tip stays pending until the webhook confirms it."""
    currency = currency.lower()
    _validate(fan=fan, creator=creator, amount=amount, currency=currency, target_type=target_type, target_id=target_id)
    gateway.require_configured()
    customer = customer_get_or_create(user=fan)
    tip = Tip(
        fan=fan,
        creator=creator,
        amount=amount,
        currency=currency,
        message=message.strip(),
        target_type=target_type,
        target_id=str(target_id),
    )
    tip.full_clean()
    tip.save()  # committed before Stripe is called (see the module docstring)
    try:
        intent = gateway.payment_intent_create(
            amount=amount,
            currency=currency,
            customer=customer.stripe_customer_id,
            payment_method=payment_method,
            metadata={"kind": "tip", "tip_id": str(tip.pk), "creator_id": str(creator.pk)},
            idempotency_key=f"tip:{tip.pk}",
        )
    except gateway.PaymentDeclined as exc:
        tip_record_failure(tip_id=tip.pk, reason=str(exc.detail))
        raise
    except Exception:
        tip_record_failure(tip_id=tip.pk, reason="payment provider error")
        raise
    Tip.objects.filter(pk=tip.pk).update(stripe_payment_intent_id=intent["id"], updated_at=timezone.now())
    tip.stripe_payment_intent_id = intent["id"]
    return tip, intent


@transaction.atomic
def tip_record_failure(*, tip_id, reason: str = "") -> Tip | None:
    tip = Tip.objects.select_for_update().filter(pk=tip_id).first()
    if tip is None or tip.status != Tip.Status.PENDING:
        return tip
    tip.status = Tip.Status.FAILED
    tip.failure_reason = reason[:255]
    tip.save(update_fields=["status", "failure_reason", "updated_at"])
    return tip


def _run_hooks(tip_id) -> None:
    tip = Tip.objects.select_related("fan", "creator").get(pk=tip_id)
    for path in settings.PAYMENTS_TIP_SUCCEEDED_HOOKS:
        try:
            import_string(path)(tip)
        except Exception:
            # One broken consumer (a chat message) must not undo or block the others; the money is booked.
            logger.exception("tip hook failed", extra={"hook": path, "tip": str(tip_id)})


@transaction.atomic
def tip_record_success(*, tip_id, payment_intent: dict) -> Tip | None:
    """Mark the tip succeeded, post it to the ledger, notify the creator, then call the hooks (once)."""
    tip = Tip.objects.select_for_update().select_related("fan", "creator").filter(pk=tip_id).first()
    if tip is None or tip.status == Tip.Status.SUCCEEDED:
        return tip
    if payment_intent.get("amount") != tip.amount or payment_intent.get("currency") != tip.currency:
        logger.error("payment intent does not match its tip", extra={"tip": str(tip.pk)})
        return tip
    charge_id = gateway.object_id(payment_intent.get("latest_charge")) or payment_intent["id"]
    tip.status = Tip.Status.SUCCEEDED
    tip.stripe_payment_intent_id = payment_intent["id"]
    tip.stripe_charge_id = charge_id
    tip.succeeded_at = timezone.now()
    tip.save()
    is_donation = tip.target_type == "live_stream"
    ledger.ledger_post_earning(
        external_key=f"earning:{charge_id}",
        creator=tip.creator,
        gross=tip.amount,
        currency=tip.currency,
        source=JournalEntry.Source.STREAM_DONATION if is_donation else JournalEntry.Source.TIP,
        source_ref=f"{tip.target_type}:{tip.target_id}" if tip.target_type else "",
        stripe_fee=charge_fee(charge_id),
        memo=f"tip {tip.pk}",
    )
    notification_send(
        recipient=tip.creator,
        type="tip_received",
        actor=tip.fan,
        target=tip,
        data={"amount": tip.amount, "currency": tip.currency, "message": tip.message},
    )
    transaction.on_commit(lambda: _run_hooks(tip.pk))
    return tip


def charge_fee(charge_id: str) -> int:
    """Stripe's processing fee on a charge (from its balance transaction); 0 when unknown."""
    if not charge_id.startswith("ch_"):
        return 0
    charge = gateway.charge_retrieve(charge=charge_id)
    txn_id = gateway.object_id(charge.get("balance_transaction"))
    if not txn_id:
        return 0
    return int(gateway.balance_transaction_retrieve(balance_transaction=txn_id).get("fee") or 0)


def tip_refund(*, tip: Tip, amount: int | None = None) -> dict:
    """Refund a succeeded tip at Stripe (all of it, or `amount` minor units). The ledger reverses it when
    Stripe's refund webhook arrives, like any refund made from the Stripe dashboard."""
    if tip.status != Tip.Status.SUCCEEDED or not tip.stripe_charge_id:
        raise ValidationFailed("Only a succeeded tip can be refunded.")
    if amount is not None and not 0 < amount <= tip.amount:
        raise ValidationFailed(errors={"amount": ["Between 1 and the tip's amount."]})
    refunded = JournalEntry.objects.filter(
        related__external_key=f"earning:{tip.stripe_charge_id}", kind=JournalEntry.Kind.REFUND
    ).count()
    return gateway.refund_create(
        charge=tip.stripe_charge_id,
        amount=amount,
        idempotency_key=f"tip-refund:{tip.pk}:{refunded}:{amount or 'full'}",
    )
