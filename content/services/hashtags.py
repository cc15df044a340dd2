"""Linking posts and videos to Hashtag rows, with their counters moved in the same transaction."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from content.models import Hashtag, PostHashtag, VideoHashtag
from content.parsing import parse


def _get_or_create_tags(names: list[str]) -> list[Hashtag]:
    tags = []
    now = timezone.now()
    for display in names:
        tag, _ = Hashtag.objects.get_or_create(name=display.lower(), defaults={"display_name": display})
        tags.append(tag)
    if tags:
        Hashtag.objects.filter(pk__in=[t.pk for t in tags]).update(last_used_at=now)
    return tags


def _sync(link_model, owner_field: str, owner, counter: str, names: list[str]) -> None:
    wanted = {t.pk: t for t in _get_or_create_tags(names)}
    current = set(link_model.objects.filter(**{owner_field: owner}).values_list("hashtag_id", flat=True))
    added, removed = set(wanted) - current, current - set(wanted)
    if removed:
        link_model.objects.filter(**{owner_field: owner, "hashtag_id__in": removed}).delete()
        Hashtag.objects.filter(pk__in=removed).update(**{counter: Greatest(F(counter) - 1, Value(0))})
    if added:
        link_model.objects.bulk_create([link_model(**{owner_field: owner, "hashtag_id": pk}) for pk in added])
        Hashtag.objects.filter(pk__in=added).update(**{counter: F(counter) + 1})


@transaction.atomic
def post_hashtags_sync(*, post, removing: bool = False) -> list[str]:
    """Link the post to the hashtags in its text (none when `removing`); returns the tag names."""
    names = [] if removing else parse(post.text).hashtags
    _sync(PostHashtag, "post", post, "posts_count", names)
    return [n.lower() for n in names]


@transaction.atomic
def video_hashtags_sync(*, video, removing: bool = False) -> list[str]:
    """Link the video to its tags plus the hashtags in its description."""
    names: list[str] = []
    if not removing:
        seen = set()
        for name in [*video.tags, *parse(video.description).hashtags]:
            key = "".join(c for c in name if c.isalnum() or c == "_")[:100]
            if key and key.lower() not in seen:
                seen.add(key.lower())
                names.append(key)
    _sync(VideoHashtag, "video", video, "videos_count", names)
    return [n.lower() for n in names]
