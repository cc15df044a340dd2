"""Demo streams for `manage.py seed_demo`: one live with chat, one scheduled, one ended with numbers."""

from datetime import timedelta

from django.utils import timezone

from livestream import services
from livestream.models import Stream

STEPS = 3


def _stream(host, title, **kwargs) -> Stream:
    existing = Stream.objects.filter(host=host, title=title).first()
    if existing is not None:
        return existing
    stream, _key = services.stream_create(host=host, title=title, **kwargs)
    return stream


def seed(ctx, step):
    creators, fans = ctx.get("creators") or [], ctx.get("fans") or []
    if len(creators) < 3 or not fans:
        return
    live = _stream(creators[0], "Bouldering Q&A", category="sports", banned_words=["spoiler"])
    if live.status == Stream.Status.SCHEDULED and not Stream.objects.filter(host=creators[0], status="live").exists():
        live = services.stream_start(stream=live, actor=creators[0])
        services.moderator_add(stream_id=live.pk, actor=creators[0], user=fans[0])
        for fan, body in zip(
            fans, ["Hi from Lyon!", "What shoes do you use?", "First time here", "Send it!"], strict=False
        ):
            services.chat_message_send(stream_id=live.pk, user=fan, body=body)
    step("live stream")
    _stream(
        creators[1], "Sunday pasta night", category="talk", visibility="followers", record=True,
        scheduled_for=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    step("scheduled stream")
    past = _stream(creators[2], "Live coding: a tiny search engine", category="education")
    if past.status == Stream.Status.SCHEDULED:
        past = services.stream_start(stream=past, actor=creators[2])
        for fan in fans[:3]:
            session = services.viewer_join(stream_id=past.pk, user=fan, viewer_key=f"u:{fan.pk}")
            services.viewer_leave(session_id=session.pk)
        services.stream_end(stream=past, actor=creators[2])
    step("ended stream")
