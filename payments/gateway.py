"""The one door to Stripe. Every Stripe call in SocialFlow goes through a function here.

Functions take keyword arguments and return plain dicts (Stripe objects converted with `to_dict()`),
so services never depend on SDK object types, and tests can stand in at the HTTP boundary.
With no STRIPE_SECRET_KEY configured every call raises ServiceUnavailable("payments are not configured"),
which the API renders as a 503; nothing else in the project depends on Stripe being there.

STRIPE_API_BASE points the client at another Stripe-compatible server (localstripe in tests).
Idempotency keys are passed on every create: Stripe then returns the first result to a retry.
"""

import functools
import json
import logging

import stripe
from django.conf import settings

from core.exceptions import ServiceUnavailable, Unprocessable, ValidationFailed

logger = logging.getLogger("socialflow.payments.gateway")

NOT_CONFIGURED = "payments are not configured"


class PaymentDeclined(Unprocessable):
    code = "payment_declined"
    title = "Payment declined"


class InvalidSignature(Exception):
    """A webhook whose signature or timestamp does not verify."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def require_configured() -> None:
    if not is_configured():
        raise ServiceUnavailable(NOT_CONFIGURED, code="payments_not_configured")


@functools.lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    base = {"api": api_base, "connect": api_base, "files": api_base} if api_base else None
    # Network retries are Stripe's own (with idempotency keys they are safe); keep them few so a
    # request thread is not held for long when Stripe is down.
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=1)


def _client() -> stripe.StripeClient:
    require_configured()
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _call(fn, *args, **kwargs) -> dict:
    """Run one SDK call, translating Stripe's errors into the project's error hierarchy."""
    try:
        return _as_dict(fn(*args, **kwargs))
    except stripe.CardError as exc:
        raise PaymentDeclined(exc.user_message or "The card was declined.") from exc
    except stripe.InvalidRequestError as exc:
        logger.info("stripe rejected a request", extra={"stripe_error": str(exc)})
        raise Unprocessable(exc.user_message or "The payment provider rejected the request.") from exc
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        logger.warning("stripe unavailable", exc_info=True)
        raise ServiceUnavailable("The payment provider is unavailable; try again.") from exc
    except stripe.AuthenticationError as exc:
        logger.error("stripe authentication failed", exc_info=True)
        raise ServiceUnavailable(NOT_CONFIGURED, code="payments_not_configured") from exc


def _opts(idempotency_key: str | None, stripe_account: str | None = None) -> dict:
    opts = {}
    if idempotency_key:
        opts["idempotency_key"] = idempotency_key
    if stripe_account:
        opts["stripe_account"] = stripe_account
    return opts


def _id(value) -> str:
    """An expandable field is either an id or an object; the id either way."""
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


# --- customers and payment methods ------------------------------------------------------------------
def customer_create(*, email: str, user_id: str, idempotency_key: str) -> dict:
    c = _client()
    params = {"email": email, "metadata": {"user_id": user_id}}
    return _call(c.v1.customers.create, params=params, options=_opts(idempotency_key))


def payment_method_attach(*, payment_method: str, customer: str) -> dict:
    c = _client()
    return _call(c.v1.payment_methods.attach, payment_method, params={"customer": customer})


def customer_set_default_payment_method(*, customer: str, payment_method: str) -> dict:
    c = _client()
    params = {"invoice_settings": {"default_payment_method": payment_method}}
    return _call(c.v1.customers.update, customer, params=params)


# --- products, plans, subscriptions ------------------------------------------------------------------
def product_create(*, name: str, description: str, metadata: dict, idempotency_key: str) -> dict:
    c = _client()
    params = {"name": name, "metadata": metadata}
    if description:
        params["description"] = description[:500]
    return _call(c.v1.products.create, params=params, options=_opts(idempotency_key))


def product_update(*, product: str, name: str, active: bool) -> dict:
    c = _client()
    return _call(c.v1.products.update, product, params={"name": name, "active": active})


def plan_create(*, product: str, amount: int, currency: str, metadata: dict, idempotency_key: str) -> dict:
    # Plans rather than Prices: localstripe has no Prices, and Stripe accepts a Plan id wherever a
    # Price id is expected, so the same code runs on both.
    c = _client()
    params = {"product": product, "amount": amount, "currency": currency, "interval": "month", "metadata": metadata}
    return _call(c.v1.plans.create, params=params, options=_opts(idempotency_key))


def subscription_create(*, customer: str, plan: str, metadata: dict, idempotency_key: str) -> dict:
    c = _client()
    params = {"customer": customer, "items": [{"plan": plan}], "metadata": metadata}
    return _call(c.v1.subscriptions.create, params=params, options=_opts(idempotency_key))


def subscription_retrieve(*, subscription: str) -> dict:
    return _call(_client().v1.subscriptions.retrieve, subscription)


def subscription_update(*, subscription: str, params: dict, idempotency_key: str | None = None) -> dict:
    c = _client()
    return _call(c.v1.subscriptions.update, subscription, params=params, options=_opts(idempotency_key))


def subscription_cancel_now(*, subscription: str) -> dict:
    return _call(_client().v1.subscriptions.cancel, subscription)


def invoice_retrieve(*, invoice: str) -> dict:
    return _call(_client().v1.invoices.retrieve, invoice)


def invoice_payments_list(*, invoice: str) -> list[dict]:
    """The payments of an invoice (newer API versions no longer put `charge` on the invoice)."""
    page = _call(_client().v1.invoice_payments.list, params={"invoice": invoice, "limit": 100})
    return page.get("data", [])


# --- one-off payments ---------------------------------------------------------------------------------
def payment_intent_create(
    *, amount: int, currency: str, customer: str, payment_method: str, metadata: dict, idempotency_key: str
) -> dict:
    c = _client()
    params = {
        "amount": amount,
        "currency": currency,
        "customer": customer,
        "payment_method": payment_method,
        "confirm": True,
        "metadata": metadata,
    }
    return _call(c.v1.payment_intents.create, params=params, options=_opts(idempotency_key))


def payment_intent_retrieve(*, payment_intent: str) -> dict:
    return _call(_client().v1.payment_intents.retrieve, payment_intent)


def charge_retrieve(*, charge: str) -> dict:
    return _call(_client().v1.charges.retrieve, charge)


def refund_create(*, charge: str, amount: int | None, idempotency_key: str) -> dict:
    params = {"charge": charge}
    if amount:
        params["amount"] = amount
    return _call(_client().v1.refunds.create, params=params, options=_opts(idempotency_key))


def refunds_list(*, charge: str) -> list[dict]:
    """Every refund of a charge (paginated through), oldest first."""
    c = _client()
    refunds, params = [], {"charge": charge, "limit": 100}
    while True:
        page = _call(c.v1.refunds.list, params=params)
        refunds.extend(page.get("data", []))
        if not page.get("has_more") or not page.get("data"):
            break
        params["starting_after"] = page["data"][-1]["id"]
    return sorted(refunds, key=lambda r: (r.get("created", 0), r["id"]))


def dispute_retrieve(*, dispute: str) -> dict:
    return _call(_client().v1.disputes.retrieve, dispute)


def balance_transaction_retrieve(*, balance_transaction: str) -> dict:
    return _call(_client().v1.balance_transactions.retrieve, balance_transaction)


def balance_transactions_between(*, start: int, end: int) -> list[dict]:
    """Balance transactions created in [start, end) (unix seconds).

    Walks the list newest first and stops past `start`; it filters by date itself rather than sending
    `created[...]`, which localstripe does not accept.
    """
    c = _client()
    found, params = [], {"limit": 100}
    while True:
        page = _call(c.v1.balance_transactions.list, params=params)
        data = page.get("data", [])
        for txn in data:
            if start <= txn["created"] < end:
                found.append(txn)
        if not page.get("has_more") or not data or data[-1]["created"] < start:
            break
        params["starting_after"] = data[-1]["id"]
    return found


# --- Connect (Express accounts, account links, transfers) ---------------------------------------------
def account_create(*, email: str, user_id: str, idempotency_key: str) -> dict:
    c = _client()
    params = {
        "type": "express",
        "email": email,
        "metadata": {"user_id": user_id},
        "capabilities": {"transfers": {"requested": True}},
    }
    return _call(c.v1.accounts.create, params=params, options=_opts(idempotency_key))


def account_retrieve(*, account: str) -> dict:
    return _call(_client().v1.accounts.retrieve, account)


def account_link_create(*, account: str, refresh_url: str, return_url: str) -> dict:
    c = _client()
    params = {"account": account, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"}
    return _call(c.v1.account_links.create, params=params)


def transfer_create(*, amount: int, currency: str, destination: str, metadata: dict, idempotency_key: str) -> dict:
    c = _client()
    params = {"amount": amount, "currency": currency, "destination": destination, "metadata": metadata}
    return _call(c.v1.transfers.create, params=params, options=_opts(idempotency_key))


def transfer_retrieve(*, transfer: str) -> dict:
    return _call(_client().v1.transfers.retrieve, transfer)


# --- webhooks -----------------------------------------------------------------------------------------
def webhook_event_verify(*, payload: bytes, signature_header: str | None) -> dict:
    """Verify a webhook body against its Stripe-Signature header and return the event as a dict.

    The signature covers the raw bytes, so callers pass `request.body` untouched. Raises
    InvalidSignature for a bad or stale signature (older than STRIPE_WEBHOOK_TOLERANCE seconds).
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise ServiceUnavailable(NOT_CONFIGURED, code="payments_not_configured")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature_header or "", secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidSignature(str(exc)) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise ValidationFailed("Not a Stripe event.")
    return event


def object_id(value) -> str:
    return _id(value)
