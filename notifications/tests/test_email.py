import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from notifications.catalogue import NotificationType
from notifications.emails import unsubscribe_token, unsubscribe_token_read, unsubscribe_url
from notifications.models import NotificationDelivery
from notifications.preferences import channel_enabled
from notifications.selectors import notification_settings_for
from notifications.services import delivery_send, digest_send, notification_send, notification_settings_update
from notifications.tests.factories import post_ref

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


def test_email_has_text_html_subject_and_unsubscribe(user, other_user, django_capture_on_commit_callbacks):
    notification_settings_update(user=user, channels={"comment": {"email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(
            recipient=user,
            type="comment",
            actor=other_user,
            target=post_ref(1, "Rock & roll"),
            data={"text": "So 'good'"},
        )
    assert NotificationDelivery.objects.get(notification=n, channel="email").status == "sent"
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.subject == "Ben: Comment"
    assert "Ben commented on “Rock & roll”: “So 'good'”." in message.body  # text part is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Rock &amp; roll" in html and "Hi Ana," in html
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/api/v1/notifications/unsubscribe/")
    assert url in message.body and url in html
    assert unsubscribe_token_read(url.rsplit("/", 1)[1]) == (str(user.pk), "comment")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("type_", NotificationType.values)
def test_every_type_has_its_templates(type_, user, other_user):
    from notifications.emails import notification_email
    from notifications.models import Notification

    n = Notification(recipient=user, actor=other_user, type=type_, group_key="g", target_snapshot={"text": "T"})
    message = notification_email(n)
    assert message.body.strip() and message.alternatives[0][0].strip()
    assert "{%" not in message.body and "{{" not in message.body


def test_unsubscribe_link_confirms_then_switches_that_type_off(user, client):
    url = unsubscribe_url(user_id=user.pk, type_="tip_received")
    path = url.split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert (
        channel_enabled(notification_settings_for(viewer=user), "tip_received", "email") is True
    )  # GET changes nothing
    done = client.post(path)
    assert done.status_code == 200 and b"will no longer receive" in done.content
    prefs = notification_settings_for(viewer=user)
    assert channel_enabled(prefs, "tip_received", "email") is False
    assert channel_enabled(prefs, "tip_received", "push") is True


def test_one_click_post_from_a_mail_client(user, client):
    path = f"/api/v1/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, type_='video_ready')}"
    res = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert res.status_code == 200
    assert channel_enabled(notification_settings_for(viewer=user), "video_ready", "email") is False


def test_tampered_unsubscribe_token_is_refused(user, client):
    token = unsubscribe_token(user_id=user.pk, type_="comment")
    res = client.post(f"/api/v1/notifications/unsubscribe/{token[:-2]}xx")
    assert res.status_code == 400
    from notifications.models import NotificationSettings

    assert not NotificationSettings.objects.filter(user=user).exists()


def test_security_emails_cannot_be_unsubscribed(user, client):
    res = client.post(f"/api/v1/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, type_='security_alert')}")
    assert res.status_code == 400
    assert channel_enabled(notification_settings_for(viewer=user), "security_alert", "email") is True


def test_smtp_errors_are_retried_then_marked_failed(user, settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_email.FailingBackend"
    n = notification_send(recipient=user, type="payout_paid", data={"amount_display": "$12.00"})
    delivery = NotificationDelivery.objects.get(notification=n, channel="email")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery_send(delivery_id=delivery.id, final_attempt=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery_send(delivery_id=delivery.id, final_attempt=True) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)


def test_email_task_retries_with_backoff_then_gives_up(user, settings):
    from notifications.tasks import EMAIL_MAX_RETRIES, notification_delivery_send_task

    task = notification_delivery_send_task
    assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter) == (30, 3600, True)
    settings.EMAIL_BACKEND = "notifications.tests.test_email.FailingBackend"
    n = notification_send(recipient=user, type="payout_paid")
    delivery = NotificationDelivery.objects.get(notification=n, channel="email")
    # A worker would re-run the task after the backoff with request.retries counting up; eager Celery
    # does not re-run it, so the attempts a worker makes are replayed here with apply(retries=n).
    from celery.exceptions import Retry

    for attempt in range(EMAIL_MAX_RETRIES):
        with pytest.raises(Retry):
            task.apply(args=[str(delivery.id)], retries=attempt, throw=True)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", attempt + 1)
    assert task.apply(args=[str(delivery.id)], retries=EMAIL_MAX_RETRIES, throw=True).get() == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", EMAIL_MAX_RETRIES + 1)
    assert "connection lost" in delivery.detail


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(user):
    n = notification_send(recipient=user, type="payout_paid")
    delivery = NotificationDelivery.objects.get(notification=n, channel="email")
    assert delivery_send(delivery_id=delivery.id) == "sent"
    assert delivery_send(delivery_id=delivery.id) is None
    assert len(mail.outbox) == 1


def test_daily_digest_replaces_individual_emails(user, other_user, django_capture_on_commit_callbacks):
    notification_settings_update(user=user, email_digest=True, channels={"comment": {"email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, type="comment", actor=other_user, target=post_ref(1, "First"))
        notification_send(recipient=user, type="tip_received", actor=other_user, data={"amount_display": "$5"})
        notification_send(recipient=user, type="security_alert", data={"event": "new_login"})  # urgent: not digested
    assert [m.subject for m in mail.outbox] == ["Security alert"]
    assert set(NotificationDelivery.objects.filter(channel="email").values_list("status", flat=True)) == {
        "digested",
        "sent",
    }
    assert digest_send(user_id=user.pk) is True
    digest = mail.outbox[-1]
    assert digest.subject == "Your SocialFlow digest: 3 unread notifications"
    assert 'Ben · Comment: "First"' in digest.body and "Ben · Tip received" in digest.body
    assert "Stop the daily digest" in digest.body
    assert digest_send(user_id=user.pk) is False  # once a day
    # The digest's own link switches the digest off.
    from django.test import Client

    Client().post(f"/api/v1/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, type_='digest')}")
    assert notification_settings_for(viewer=user).email_digest is False


def test_money_is_shown_from_minor_units(user, other_user):
    import uuid
    from decimal import Decimal

    from notifications.emails import notification_email

    n = notification_send(
        recipient=user,
        type="tip_received",
        actor=other_user,
        data={"amount": 1250, "currency": "usd", "message": "Keep climbing", "ref": uuid.uuid4(), "x": Decimal("1.5")},
    )
    assert "sent you a tip of 12.50 USD: “Keep climbing”." in notification_email(n).body
