"""Email and push delivery of one notification, the quiet-hours release sweep, and the daily digest.

A delivery row is claimed with a conditional UPDATE (pending/held and due → sending), so a task that
runs twice (broker redelivery, the eta and the sweep racing) sends once. No lock is held while talking
to SMTP or a push provider.
"""

import datetime as dt
import logging
import smtplib

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications import emails, push_providers
from notifications.catalogue import Channel
from notifications.models import Notification, NotificationDelivery, NotificationSettings, PushDevice

logger = logging.getLogger("socialflow.notifications")

EMAIL_TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def _claim(delivery_id, *, now) -> NotificationDelivery | None:
    claimed = NotificationDelivery.objects.filter(
        pk=delivery_id,
        status__in=[NotificationDelivery.Status.PENDING, NotificationDelivery.Status.HELD],
        scheduled_for__lte=now,
    ).update(status=NotificationDelivery.Status.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return None
    return NotificationDelivery.objects.select_related("notification__recipient", "notification__actor").get(
        pk=delivery_id
    )


def _finish(delivery, status, *, detail="", now=None) -> None:
    delivery.status = status
    delivery.detail = detail[:500]
    fields = ["status", "detail", "updated_at"]
    if status == NotificationDelivery.Status.SENT:
        delivery.sent_at = now or timezone.now()
        fields.append("sent_at")
    delivery.save(update_fields=fields)


def delivery_send(*, delivery_id, now: dt.datetime | None = None, final_attempt: bool = True) -> str | None:
    """Send one due delivery; returns its new status, or None if it was not due or already handled.

    Email errors that may pass (SMTP, network) are re-raised for the task to retry with backoff, after
    the row is put back to pending; on the final attempt the row is marked failed instead.
    """
    now = now or timezone.now()
    delivery = _claim(delivery_id, now=now)
    if delivery is None:
        return None
    notification = delivery.notification
    if notification.recipient.status not in notification.recipient.SIGN_IN_STATUSES and (
        notification.type != Notification.Type.ACCOUNT_SUSPENDED
    ):
        _finish(delivery, NotificationDelivery.Status.SKIPPED, detail="recipient account is not active")
        return delivery.status
    if delivery.channel == Channel.EMAIL:
        return _send_email(delivery, now=now, final_attempt=final_attempt)
    return _send_push(delivery, now=now)


def _send_email(delivery, *, now, final_attempt) -> str:
    notification = delivery.notification
    if not notification.recipient.email:
        _finish(delivery, NotificationDelivery.Status.SKIPPED, detail="no email address")
        return delivery.status
    try:
        emails.notification_email(notification).send()
    except EMAIL_TRANSIENT_ERRORS as exc:
        if final_attempt:
            _finish(delivery, NotificationDelivery.Status.FAILED, detail=f"email: {exc}")
            return delivery.status
        _finish(delivery, NotificationDelivery.Status.PENDING, detail=f"email (will retry): {exc}")
        raise
    _finish(delivery, NotificationDelivery.Status.SENT, now=now)
    return delivery.status


def _device_outcome(device: PushDevice, result: push_providers.PushResult, *, now) -> None:
    """Success resets the failure streak; an invalid token is dropped at once, others after 3 in a row."""
    if result.ok:
        PushDevice.objects.filter(pk=device.pk).update(consecutive_failures=0, last_success_at=now, last_error="")
        return
    failures = device.consecutive_failures + 1
    deactivate = result.invalid or failures >= PushDevice.MAX_CONSECUTIVE_FAILURES
    PushDevice.objects.filter(pk=device.pk).update(
        consecutive_failures=F("consecutive_failures") + 1,
        last_error=result.error[:500],
        is_active=not deactivate,
        deactivated_at=now if deactivate else None,
        updated_at=now,
    )
    if deactivate:
        logger.info("push device %s deactivated: %s", device.pk, result.error)


def _send_push(delivery, *, now) -> str:
    notification = delivery.notification
    devices = list(PushDevice.objects.filter(user_id=notification.recipient_id, is_active=True))
    if not devices:
        _finish(delivery, NotificationDelivery.Status.SKIPPED, detail="no active push devices")
        return delivery.status
    senders = {
        PushDevice.Kind.FCM: (push_providers.fcm_configured(), push_providers.send_fcm),
        PushDevice.Kind.WEBPUSH: (push_providers.webpush_configured(), push_providers.send_webpush),
    }
    message = emails.push_message(notification)
    sent, failed, skipped = 0, [], 0
    for device in devices:
        configured, send = senders[device.kind]
        if not configured:
            skipped += 1
            continue
        result = send(device, message)
        _device_outcome(device, result, now=now)
        if result.ok:
            sent += 1
        else:
            failed.append(result.error)
    if sent:
        _finish(delivery, NotificationDelivery.Status.SENT, now=now, detail="; ".join(failed))
    elif failed:
        _finish(delivery, NotificationDelivery.Status.FAILED, detail="; ".join(failed))
    else:
        _finish(delivery, NotificationDelivery.Status.SKIPPED, detail=f"push provider not configured ({skipped})")
    return delivery.status


def deliveries_release(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Queue held deliveries whose quiet hours ended (the safety net behind each delivery's eta)."""
    from notifications.tasks import notification_delivery_send_task

    now = now or timezone.now()
    due = list(
        NotificationDelivery.objects.filter(status=NotificationDelivery.Status.HELD, scheduled_for__lte=now)
        .order_by("scheduled_for")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in due:
        notification_delivery_send_task.delay(str(delivery_id), now=now.isoformat())
    return len(due)


DIGEST_INTERVAL = dt.timedelta(hours=24)
DIGEST_MAX_ITEMS = 20


def digest_send(*, user_id, now: dt.datetime | None = None) -> bool:
    """Email one user's unread notifications since their last digest; False when nothing was due."""
    now = now or timezone.now()
    with transaction.atomic():
        prefs = (
            NotificationSettings.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, email_digest=True)
            .first()
        )
        if prefs is None or (prefs.last_digest_at and prefs.last_digest_at > now - DIGEST_INTERVAL):
            return False
        since = prefs.last_digest_at or now - DIGEST_INTERVAL
        unread = (
            Notification.objects.filter(recipient_id=user_id, created_at__gt=since)
            .inbox()
            .unread()
            .select_related("actor")
            .order_by("-id")
        )
        items = list(unread[:DIGEST_MAX_ITEMS])
        prefs.last_digest_at = now
        prefs.save(update_fields=["last_digest_at", "updated_at"])
        NotificationDelivery.objects.filter(
            notification__recipient_id=user_id, status=NotificationDelivery.Status.DIGESTED, sent_at__isnull=True
        ).update(sent_at=now, updated_at=now)
        if not items:
            return False
        total = unread.count()
        message = emails.digest_email(user=prefs.user, notifications=items, total=total)
    # Sent after the commit: a failed send is retried by the next sweep only if we did not record it, and
    # recording first means at most one digest a day even if SMTP hiccups (a lost digest is acceptable).
    message.send()
    return True


def digest_due_user_ids(*, now: dt.datetime | None = None) -> list:
    now = now or timezone.now()
    return list(
        NotificationSettings.objects.filter(email_digest=True)
        .exclude(last_digest_at__gt=now - DIGEST_INTERVAL)
        .values_list("user_id", flat=True)
    )
