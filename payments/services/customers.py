"""The Stripe customer behind a user: created once, on the first payment, and reused after."""

from django.contrib.auth import get_user_model
from django.db import transaction

from payments import gateway
from payments.models import StripeCustomer


def customer_get_or_create(*, user) -> StripeCustomer:
    """The user's Stripe customer. Concurrent first payments by one user end with one customer: the
    user row is locked while the customer is created (a rare, first-time path), and Stripe also gets an
    idempotency key derived from the user id."""
    existing = StripeCustomer.objects.filter(user=user).first()
    if existing is not None:
        return existing
    gateway.require_configured()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = StripeCustomer.objects.filter(user=user).first()
        if existing is not None:
            return existing
        customer = gateway.customer_create(
            email=user.email, user_id=str(user.pk), idempotency_key=f"customer:{user.pk}"
        )
        record = StripeCustomer(user=user, stripe_customer_id=customer["id"])
        record.full_clean()
        record.save()
        return record
