"""Donations: a succeeded tip aimed at a stream becomes a highlighted chat message, exactly once.

payments calls `stream_tip_succeeded(tip)` (registered in PAYMENTS_TIP_SUCCEEDED_HOOKS) after the
payment webhook committed the tip as succeeded; nothing shows before that. The tip id is unique on
StreamDonation, so a webhook delivered twice, or a retried hook, posts one message.
"""

import logging
import uuid

from django.db import IntegrityError, transaction

from livestream.models import ChatMessage, Stream, StreamDonation
from livestream.realtime import broadcast_chat_message

logger = logging.getLogger("socialflow.livestream.donations")

STREAM_TARGET_TYPES = ("live_stream",)


def _format_amount(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"


@transaction.atomic
def stream_tip_succeeded(tip) -> StreamDonation | None:
    """Hook for payments: post the donation message for a succeeded tip targeting a stream."""
    if getattr(tip, "target_type", "") not in STREAM_TARGET_TYPES or getattr(tip, "status", "") != "succeeded":
        return None
    try:
        stream_id = uuid.UUID(str(tip.target_id))
    except ValueError:
        return None
    stream = Stream.objects.select_for_update().filter(pk=stream_id, host_id=tip.creator_id).first()
    if stream is None:
        logger.warning("tip %s targets stream %s, which is not the creator's", tip.pk, tip.target_id)
        return None
    existing = StreamDonation.objects.filter(tip_id=tip.pk).first()
    if existing is not None:
        return existing
    donor = tip.fan
    text = (tip.message or "").strip()[:400]
    body = f"{donor.name} donated {_format_amount(tip.amount, tip.currency)}" + (f": {text}" if text else "")
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                stream=stream,
                user=donor,
                kind=ChatMessage.Kind.DONATION,
                body=body[:500],
                data={"amount": tip.amount, "currency": tip.currency, "tip_id": str(tip.pk), "message": text},
            )
            donation = StreamDonation.objects.create(
                stream=stream, tip_id=tip.pk, donor=donor, amount=tip.amount, currency=tip.currency,
                message=text, chat_message=message,
            )  # fmt: skip
    except IntegrityError:  # the same tip delivered concurrently: the other delivery posted it
        return StreamDonation.objects.filter(tip_id=tip.pk).first()
    broadcast_chat_message(message)
    return donation
