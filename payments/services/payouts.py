"""Creator payouts through Stripe Connect Express: onboarding, account status, Transfers.

A payout moves money out of `creator_available` into transit in the same transaction that creates
it (under the creator's account locks, so two payouts can never spend the same balance), then a task
creates the Transfer with the payout id as idempotency key (a retried task cannot transfer twice).
pending → paid when Stripe accepts the transfer; → failed (ledger reversed) when Stripe refuses it
or later reverses it.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict, NotFound, PermissionDenied, ServiceUnavailable, Unprocessable, ValidationFailed
from notifications.services import notification_send
from payments import gateway, ledger
from payments.models import ConnectAccount, Payout

logger = logging.getLogger("socialflow.payments")


def payout_minimum_minor() -> int:
    return int(Decimal(settings.PAYOUT_MINIMUM) * 100)


def connect_onboarding_start(*, user, refresh_url: str, return_url: str) -> tuple[ConnectAccount, str]:
    """The creator's Express account (created once) and a fresh onboarding link for it."""
    if not user.is_creator:
        raise PermissionDenied("Only creators can receive payouts.")
    gateway.require_configured()
    account = ConnectAccount.objects.filter(user=user).first()
    if account is None:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            account = ConnectAccount.objects.filter(user=user).first()
            if account is None:
                created = gateway.account_create(
                    email=user.email, user_id=str(user.pk), idempotency_key=f"connect:{user.pk}"
                )
                account = ConnectAccount.objects.create(user=user, stripe_account_id=created["id"])
    link = gateway.account_link_create(
        account=account.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return account, link["url"]


@transaction.atomic
def connect_account_sync(*, stripe_account_id: str) -> ConnectAccount | None:
    """Copy the account's capabilities from Stripe (called by the account.updated webhook)."""
    account = ConnectAccount.objects.select_for_update().filter(stripe_account_id=stripe_account_id).first()
    if account is None:
        return None
    remote = gateway.account_retrieve(account=stripe_account_id)
    account.charges_enabled = bool(remote.get("charges_enabled"))
    account.payouts_enabled = bool(remote.get("payouts_enabled"))
    account.details_submitted = bool(remote.get("details_submitted"))
    account.requirements_due = list((remote.get("requirements") or {}).get("currently_due") or [])
    account.synced_at = timezone.now()
    account.save()
    return account


@transaction.atomic
def payout_request(*, creator, amount: int, currency: str = "usd") -> Payout:
    """Ask for a payout of `amount` (minor units) from the available balance."""
    from payments.tasks import payout_execute_task

    gateway.require_configured()
    currency = currency.lower()
    account = ConnectAccount.objects.filter(user=creator).first()
    if account is None or not account.payouts_enabled:
        raise Conflict("Finish payout onboarding first.", code="payouts_not_enabled")
    if amount < payout_minimum_minor():
        raise ValidationFailed(errors={"amount": [f"The minimum payout is {settings.PAYOUT_MINIMUM}."]})
    payout = Payout(creator=creator, account=account, amount=amount, currency=currency)
    payout.full_clean()
    payout.save()
    ledger.ledger_post_payout(payout=payout)  # raises Conflict if available cannot cover it
    payout_execute_task.delay_on_commit(str(payout.pk))
    return payout


def payout_execute(*, payout_id) -> Payout:
    """Create the Transfer for a pending payout (safe to run again: same idempotency key)."""
    payout = Payout.objects.select_related("account").get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout
    try:
        transfer = gateway.transfer_create(
            amount=payout.amount,
            currency=payout.currency,
            destination=payout.account.stripe_account_id,
            metadata={"payout_id": str(payout.pk), "creator_id": str(payout.creator_id)},
            idempotency_key=f"payout:{payout.pk}",
        )
    except ServiceUnavailable:
        raise  # transient: the task retries with the same idempotency key
    except Unprocessable as exc:
        return payout_mark_failed(payout_id=payout.pk, reason=str(exc.detail))
    return payout_mark_paid(payout_id=payout.pk, transfer_id=transfer["id"])


def _transition(payout: Payout, to: str) -> bool:
    if to not in Payout.TRANSITIONS[payout.status]:
        return False
    payout.status = to
    return True


@transaction.atomic
def payout_mark_paid(*, payout_id, transfer_id: str) -> Payout:
    payout = Payout.objects.select_for_update().select_related("creator").get(pk=payout_id)
    if not _transition(payout, Payout.Status.PAID):
        return payout
    payout.stripe_transfer_id = transfer_id
    payout.paid_at = timezone.now()
    payout.save()
    ledger.ledger_post_payout_paid(payout=payout)
    notification_send(
        recipient=payout.creator,
        type="payout_paid",
        target=payout,
        data={"amount": payout.amount, "currency": payout.currency},
    )
    return payout


@transaction.atomic
def payout_mark_failed(*, payout_id, reason: str = "") -> Payout:
    payout = Payout.objects.select_for_update().select_related("creator").get(pk=payout_id)
    if not _transition(payout, Payout.Status.FAILED):
        return payout
    payout.failure_reason = reason[:500]
    payout.failed_at = timezone.now()
    payout.save()
    ledger.ledger_post_payout_failed(payout=payout)
    notification_send(
        recipient=payout.creator,
        type="payout_failed",
        target=payout,
        data={"amount": payout.amount, "currency": payout.currency, "reason": payout.failure_reason},
    )
    return payout


def payout_handle_transfer_reversed(*, transfer_id: str) -> Payout | None:
    payout = Payout.objects.filter(stripe_transfer_id=transfer_id).first()
    if payout is None:
        return None
    transfer = gateway.transfer_retrieve(transfer=transfer_id)
    if not transfer.get("reversed") and (transfer.get("amount_reversed") or 0) < transfer.get("amount", 0):
        return payout
    return payout_mark_failed(payout_id=payout.pk, reason="transfer reversed")


def payout_get_for(*, creator, payout_id) -> Payout:
    payout = Payout.objects.filter(pk=payout_id, creator=creator).first()
    if payout is None:
        raise NotFound("Payout not found.")
    return payout
