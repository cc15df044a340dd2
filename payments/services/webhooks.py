"""Stripe webhooks: receive (verify, store once), then process (in a task, with retries).

Handlers never trust the event's copy of an object: they re-read it from Stripe, so whatever order
events arrive in, the last one processed applies the current state. Every money effect is keyed
(ledger external keys, row state checks under locks), so processing an event twice changes nothing.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.services import notification_send
from payments import gateway, ledger
from payments.models import JournalEntry, Subscription, WebhookEvent
from payments.services.advertisers import advertiser_funding_record_failure, advertiser_funding_record_success
from payments.services.payouts import connect_account_sync, payout_handle_transfer_reversed
from payments.services.subscriptions import subscription_sync
from payments.services.tips import charge_fee, tip_record_failure, tip_record_success

logger = logging.getLogger("socialflow.payments.webhooks")


def webhook_event_receive(*, payload: bytes, signature_header: str | None) -> tuple[WebhookEvent, bool]:
    """Verify and store an event; (event, created). Raises gateway.InvalidSignature (nothing stored)."""
    from payments.tasks import webhook_event_process_task

    event = gateway.webhook_event_verify(payload=payload, signature_header=signature_header)
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                stripe_event_id=event["id"],
                type=event["type"][:100],
                account=event.get("account") or "",
                payload=event,
            )
            # robust: a failing eager run (tests, laptops) must not turn the stored event into a 500;
            # the task's own retries and the periodic sweep take it from here.
            event_pk = str(stored.pk)

            def enqueue_webhook_event():
                webhook_event_process_task.delay(event_pk)

            transaction.on_commit(enqueue_webhook_event, robust=True)
    except IntegrityError:
        return WebhookEvent.objects.get(stripe_event_id=event["id"]), False
    return stored, True


def webhook_event_process(*, event_id) -> str:
    """Run the handler of a stored event once; returns its final status. Re-raises handler errors
    (after recording them) so the task can retry."""
    error = None
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED):
            return event.status
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        try:
            with transaction.atomic():
                if handler is not None:
                    handler(_object(event))
            event.status = WebhookEvent.Status.PROCESSED if handler else WebhookEvent.Status.IGNORED
            event.processed_at = timezone.now()
            event.last_error = ""
        except Exception as exc:
            logger.warning("webhook handler failed", extra={"event": event.stripe_event_id}, exc_info=True)
            event.status = WebhookEvent.Status.FAILED
            event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            error = exc
        event.save(update_fields=["status", "attempts", "processed_at", "last_error", "updated_at"])
    if error is not None:
        raise error
    return event.status


def _object(event: WebhookEvent) -> dict:
    return ((event.payload or {}).get("data") or {}).get("object") or {}


# --- handlers (each takes the event's object and re-reads it) -----------------------------------------
def on_payment_intent(obj: dict) -> None:
    intent = gateway.payment_intent_retrieve(payment_intent=obj["id"])
    metadata = intent.get("metadata") or {}
    kind = metadata.get("kind")
    succeeded = intent.get("status") == "succeeded"
    if kind == "tip":
        if succeeded:
            tip_record_success(tip_id=metadata["tip_id"], payment_intent=intent)
        elif intent.get("status") in ("requires_payment_method", "canceled"):
            error = intent.get("last_payment_error") or {}
            tip_record_failure(tip_id=metadata["tip_id"], reason=error.get("message") or intent["status"])
    elif kind == "advertiser_funding":
        if succeeded:
            advertiser_funding_record_success(funding_id=metadata["funding_id"], payment_intent=intent)
        elif intent.get("status") in ("requires_payment_method", "canceled"):
            advertiser_funding_record_failure(funding_id=metadata["funding_id"])
    # Anything else (an invoice's payment intent) is booked by the invoice handler.


def _invoice_subscription_id(invoice: dict) -> str:
    sub = gateway.object_id(invoice.get("subscription"))
    if not sub:
        details = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        sub = gateway.object_id(details)
    return sub


def _invoice_charge_id(invoice: dict) -> str:
    """The charge that paid an invoice, whichever API version shaped it (charge, payment_intent, or
    the invoice's payments list); it keys the earning so refunds and disputes of it find it."""
    charge = gateway.object_id(invoice.get("charge"))
    intent_id = gateway.object_id(invoice.get("payment_intent"))
    if not charge and not intent_id:
        for payment in gateway.invoice_payments_list(invoice=invoice["id"]):
            if payment.get("status") == "paid":
                details = payment.get("payment") or {}
                charge = gateway.object_id(details.get("charge"))
                intent_id = gateway.object_id(details.get("payment_intent"))
                break
    if not charge and intent_id:
        intent = gateway.payment_intent_retrieve(payment_intent=intent_id)
        charge = gateway.object_id(intent.get("latest_charge"))
    return charge


def on_invoice_paid(obj: dict) -> None:
    invoice = gateway.invoice_retrieve(invoice=obj["id"])
    sub_id = _invoice_subscription_id(invoice)
    if invoice.get("status") != "paid" or not sub_id:
        return
    first = Subscription.objects.filter(stripe_subscription_id=sub_id, paid_through__isnull=True).exists()
    subscription = subscription_sync(stripe_subscription_id=sub_id, paid_invoice=invoice)
    if subscription is None or not invoice.get("amount_paid"):
        return
    charge_id = _invoice_charge_id(invoice)
    key = f"earning:{charge_id}" if charge_id else f"earning:{invoice['id']}"
    # Stripe sends both invoice.paid and invoice.payment_succeeded: book and announce the payment once.
    already_booked = JournalEntry.objects.filter(external_key=key).exists()
    entry = ledger.ledger_post_earning(
        external_key=key,
        creator=subscription.creator,
        gross=invoice["amount_paid"],
        currency=invoice["currency"],
        source=JournalEntry.Source.SUBSCRIPTION,
        source_ref=f"tier:{subscription.tier_id}",
        stripe_fee=charge_fee(charge_id) if charge_id else 0,
        memo=f"invoice {invoice['id']}",
    )
    if already_booked or entry.source != JournalEntry.Source.SUBSCRIPTION:
        return
    notification_send(
        recipient=subscription.creator,
        type="subscription_new" if first else "subscription_renewed",
        actor=subscription.fan,
        target=subscription.tier,
        data={"tier": subscription.tier.name, "amount": entry.amount, "currency": entry.currency},
    )


def on_invoice_payment_failed(obj: dict) -> None:
    invoice = gateway.invoice_retrieve(invoice=obj["id"])
    sub_id = _invoice_subscription_id(invoice)
    if sub_id:
        subscription_sync(stripe_subscription_id=sub_id)


def on_subscription(obj: dict) -> None:
    subscription = subscription_sync(stripe_subscription_id=obj["id"])
    if subscription is not None and subscription.status == Subscription.Status.CANCELED:
        logger.info("subscription ended", extra={"subscription": str(subscription.pk)})


def _earning_for_charge(charge_id: str) -> JournalEntry | None:
    return JournalEntry.objects.filter(external_key=f"earning:{charge_id}").first()


def on_refund(obj: dict) -> None:
    charge_id = obj["id"] if obj.get("object") == "charge" else gateway.object_id(obj.get("charge"))
    earning = _earning_for_charge(charge_id)
    if earning is None:
        logger.info("refund for a charge with no earning", extra={"charge": charge_id})
        return
    for refund in gateway.refunds_list(charge=charge_id):
        if refund.get("status") == "succeeded":
            ledger.ledger_post_reversal(
                external_key=f"refund:{refund['id']}",
                kind=JournalEntry.Kind.REFUND,
                earning=earning,
                amount=refund["amount"],
            )


def on_dispute(obj: dict) -> None:
    dispute = gateway.dispute_retrieve(dispute=obj["id"])
    earning = _earning_for_charge(gateway.object_id(dispute.get("charge")))
    if earning is None:
        return
    fee = sum(int(txn.get("fee") or 0) for txn in dispute.get("balance_transactions") or [] if txn.get("amount", 0) < 0)
    entry = ledger.ledger_post_reversal(
        external_key=f"dispute:{dispute['id']}",
        kind=JournalEntry.Kind.DISPUTE,
        earning=earning,
        amount=dispute["amount"],
        stripe_fee=fee,
    )
    if dispute.get("status") == "won" and entry is not None:
        ledger.ledger_post_dispute_won(external_key=f"dispute_won:{dispute['id']}", dispute_entry=entry)


def on_account_updated(obj: dict) -> None:
    connect_account_sync(stripe_account_id=obj["id"])


def on_transfer_reversed(obj: dict) -> None:
    payout_handle_transfer_reversed(transfer_id=obj["id"])


HANDLERS = {
    "payment_intent.succeeded": on_payment_intent,
    "payment_intent.payment_failed": on_payment_intent,
    "payment_intent.canceled": on_payment_intent,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_succeeded": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "customer.subscription.created": on_subscription,
    "customer.subscription.updated": on_subscription,
    "customer.subscription.deleted": on_subscription,
    "charge.refunded": on_refund,
    "charge.refund.updated": on_refund,
    "refund.created": on_refund,
    "refund.updated": on_refund,
    "charge.dispute.created": on_dispute,
    "charge.dispute.funds_withdrawn": on_dispute,
    "charge.dispute.closed": on_dispute,
    "account.updated": on_account_updated,
    "transfer.reversed": on_transfer_reversed,
}
