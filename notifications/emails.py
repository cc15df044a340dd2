"""Building notification emails: per-type HTML + text templates and a signed unsubscribe link.

The unsubscribe token is signed with django.core.signing (SECRET_KEY) and names the user and the type
(or "digest"); it does not expire, because an old email's link must still work. Messages carry
List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) so mail clients can unsubscribe in one click.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.catalogue import NotificationType, spec_for
from notifications.targets import display_kind, display_snapshot

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DIGEST = "digest"


def unsubscribe_token(*, user_id, type_: str) -> str:
    return signing.dumps({"u": str(user_id), "t": type_}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[str, str] | None:
    """(user id, type) from a token, or None when it was tampered with."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or "u" not in payload or "t" not in payload:
        return None
    return payload["u"], payload["t"]


def unsubscribe_url(*, user_id, type_: str) -> str:
    path = reverse("notification-unsubscribe", kwargs={"token": unsubscribe_token(user_id=user_id, type_=type_)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def with_amount_display(data: dict) -> dict:
    """Money arrives as integer minor units + currency (payments' convention); emails show "12.50 USD"."""
    data = dict(data or {})
    amount, currency = data.get("amount"), data.get("currency")
    if "amount_display" not in data and isinstance(amount, int) and currency:
        data["amount_display"] = f"{amount / 100:,.2f} {str(currency).upper()}"
    return data


def actor_name(notification) -> str:
    return notification.actor.name if notification.actor_id else "SocialFlow"


def _message(*, to, subject, context, template, list_unsubscribe_url) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{list_unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_subject(notification) -> str:
    spec = spec_for(notification.type)
    label = NotificationType(notification.type).label
    if notification.actor_id and not spec.urgent:
        return f"{actor_name(notification)}: {label}"
    return label


def notification_email(notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    url = unsubscribe_url(user_id=recipient.pk, type_=notification.type)
    context = {
        "notification": notification,
        "recipient": recipient,
        "actor_name": actor_name(notification),
        "snapshot": display_snapshot(notification),
        "kind": display_kind(notification),
        "data": with_amount_display(notification.data),
        "type_label": NotificationType(notification.type).label,
        "unsubscribe_url": url,
        "site_url": settings.SITE_URL,
    }
    return _message(
        to=recipient.email,
        subject=notification_subject(notification),
        context=context,
        template=notification.type,
        list_unsubscribe_url=url,
    )


def digest_email(*, user, notifications, total: int) -> EmailMultiAlternatives:
    url = unsubscribe_url(user_id=user.pk, type_=DIGEST)
    context = {
        "recipient": user,
        "items": [
            {
                "notification": n,
                "actor_name": actor_name(n),
                "label": NotificationType(n.type).label,
                "snapshot": display_snapshot(n),
            }
            for n in notifications
        ],
        "total": total,
        "more": max(total - len(notifications), 0),
        "unsubscribe_url": url,
        "site_url": settings.SITE_URL,
    }
    return _message(
        to=user.email,
        subject=f"Your SocialFlow digest: {total} unread notification{'s' if total != 1 else ''}",
        context=context,
        template=DIGEST,
        list_unsubscribe_url=url,
    )


def push_message(notification) -> dict:
    """The title/body/data of a push for one notification (FCM and Web Push share it)."""
    spec = spec_for(notification.type)
    snapshot_text = display_snapshot(notification)["text"]
    if notification.actor_id and not spec.urgent:
        title = actor_name(notification)
        body = spec.verb.format(kind=display_kind(notification))
    else:
        title = NotificationType(notification.type).label
        body = spec.verb
    if snapshot_text:
        body = f"{body}: {snapshot_text}"
    return {
        "title": title,
        "body": body[:240],
        "data": {"notification_id": str(notification.id), "type": notification.type},
    }
