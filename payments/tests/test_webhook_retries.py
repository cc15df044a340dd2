"""A handler that fails (Stripe down) leaves the event stored and failed, never a 500 to Stripe; the task
retries it, and the periodic sweep picks up what is still failed."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from core.exceptions import ServiceUnavailable
from payments.models import JournalEntry, Tip, WebhookEvent
from payments.tasks import webhook_events_retry_task
from payments.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def test_failed_handler_is_retried_then_swept(
    stripe_on, user, creator, client_for, card, deliver, django_capture_on_commit_callbacks
):
    body = {"creator": str(creator.pk), "amount": 500, "currency": "usd", "payment_method": card()}
    tip = Tip.objects.get(pk=client_for(user).post("/api/v1/tips", body, format="json").json()["tip"]["id"])
    event = make_event("payment_intent.succeeded", {"id": tip.stripe_payment_intent_id, "object": "payment_intent"})
    down = ServiceUnavailable("The payment provider is unavailable; try again.")
    with mock.patch("payments.gateway.payment_intent_retrieve", side_effect=down):
        response = deliver(event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.FAILED
    assert stored.attempts >= 1
    assert "ServiceUnavailable" in stored.last_error
    assert JournalEntry.objects.count() == 0

    WebhookEvent.objects.filter(pk=stored.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_retry_task() == 1
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.PROCESSED
    assert JournalEntry.objects.count() == 1


def test_unknown_event_types_are_stored_and_ignored(stripe_on, deliver):
    deliver(make_event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"}))
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED


def test_webhook_without_secret_configured_is_503(settings, deliver):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = deliver(make_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"}))
    assert response.status_code == 503
    assert WebhookEvent.objects.count() == 0
