"""Scheduled publishing (run by beat) and the announcement of a newly published video."""

from django.db import transaction
from django.utils import timezone

from content.models import Post, Video
from content.services.counters import author_counters_refresh
from content.services.posts import post_publish_scheduled

BATCH = 500


def video_announce(*, video: Video) -> None:
    """Tell the author's followers about a video everyone following may see (not subscriber-only ones)."""
    if video.visibility not in (Video.Visibility.PUBLIC, Video.Visibility.FOLLOWERS):
        return
    from notifications.services import notification_fanout

    notification_fanout(actor=video.author, type="new_video", target=video)


@transaction.atomic
def video_publish_scheduled(*, video_id) -> bool:
    video = (
        Video.objects.select_for_update()
        .filter(pk=video_id, published_at__isnull=True, status=Video.Status.READY)
        .select_related("author")
        .first()
    )
    if video is None or video.scheduled_at is None or video.scheduled_at > timezone.now():
        return False
    video.published_at = video.scheduled_at
    video.save(update_fields=["published_at", "updated_at"])
    author_counters_refresh(user_id=video.author_id)
    video_announce(video=video)
    return True


def scheduled_publish_due(*, now=None) -> int:
    """Publish every post and ready video whose `scheduled_at` has passed; returns how many.

    One short transaction per item, so one bad row cannot hold back the rest and a rerun (beat fires
    again, or two beats overlap) publishes nothing twice: each service re-checks under a row lock.
    """
    now = now or timezone.now()
    published = 0
    post_ids = Post.objects.filter(published_at__isnull=True, scheduled_at__lte=now).values_list("pk", flat=True)
    for post_id in list(post_ids[:BATCH]):
        published += post_publish_scheduled(post_id=post_id)
    video_ids = Video.objects.filter(
        published_at__isnull=True, scheduled_at__lte=now, status=Video.Status.READY
    ).values_list("pk", flat=True)
    for video_id in list(video_ids[:BATCH]):
        published += video_publish_scheduled(video_id=video_id)
    return published
