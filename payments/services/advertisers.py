"""Advertisers' prepaid balance: funded by card (PaymentIntent, credited on the webhook), spent by the ads app.

The ledger functions `ad_spend_charge` and `advertiser_balance` (payments.ledger) are the other half.
"""

from django.conf import settings
from django.db import IntegrityError, transaction

from core.exceptions import ValidationFailed
from payments import gateway, ledger
from payments.models import AdvertiserFunding
from payments.services.customers import customer_get_or_create

FUNDING_MIN = 500  # minor units


def advertiser_balance_fund(
    *, user, amount_minor: int, currency: str, payment_method: str, idempotency_key: str
) -> tuple[AdvertiserFunding, dict | None]:
    """Top up `user`'s prepaid ad balance. The same idempotency_key returns the first funding and
    charges nothing again. The balance grows when `payment_intent.succeeded` arrives."""
    currency = currency.lower()
    if currency not in settings.SUPPORTED_CURRENCIES:
        raise ValidationFailed(errors={"currency": ["Unsupported currency."]})
    if amount_minor < FUNDING_MIN:
        raise ValidationFailed(errors={"amount": [f"The minimum top-up is {FUNDING_MIN} (minor units)."]})
    gateway.require_configured()
    existing = AdvertiserFunding.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, None
    customer = customer_get_or_create(user=user)
    try:
        with transaction.atomic():
            funding = AdvertiserFunding.objects.create(
                user=user, amount=amount_minor, currency=currency, idempotency_key=idempotency_key
            )
    except IntegrityError:
        return AdvertiserFunding.objects.get(user=user, idempotency_key=idempotency_key), None
    try:
        intent = gateway.payment_intent_create(
            amount=amount_minor,
            currency=currency,
            customer=customer.stripe_customer_id,
            payment_method=payment_method,
            metadata={"kind": "advertiser_funding", "funding_id": str(funding.pk)},
            idempotency_key=f"adfund:{funding.pk}",
        )
    except gateway.PaymentDeclined:
        AdvertiserFunding.objects.filter(pk=funding.pk).update(status=AdvertiserFunding.Status.FAILED)
        raise
    AdvertiserFunding.objects.filter(pk=funding.pk).update(stripe_payment_intent_id=intent["id"])
    funding.stripe_payment_intent_id = intent["id"]
    return funding, intent


@transaction.atomic
def advertiser_funding_record_success(*, funding_id, payment_intent: dict) -> AdvertiserFunding | None:
    funding = AdvertiserFunding.objects.select_for_update().filter(pk=funding_id).first()
    if funding is None or funding.status == AdvertiserFunding.Status.SUCCEEDED:
        return funding
    if payment_intent.get("amount") != funding.amount or payment_intent.get("currency") != funding.currency:
        return funding
    from payments.services.tips import charge_fee

    charge_id = gateway.object_id(payment_intent.get("latest_charge")) or payment_intent["id"]
    funding.status = AdvertiserFunding.Status.SUCCEEDED
    funding.save(update_fields=["status", "updated_at"])
    ledger.ledger_post_advertiser_funding(
        user=funding.user,
        amount=funding.amount,
        currency=funding.currency,
        external_key=f"funding:{charge_id}",
        stripe_fee=charge_fee(charge_id),
    )
    return funding


@transaction.atomic
def advertiser_funding_record_failure(*, funding_id) -> None:
    AdvertiserFunding.objects.filter(pk=funding_id, status=AdvertiserFunding.Status.PENDING).update(
        status=AdvertiserFunding.Status.FAILED
    )
