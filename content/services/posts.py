"""Post writes: create (with images, quotes, scheduling), edit with history, delete, repost."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import MediaImage, Post, PostEdit
from content.selectors.visibility import post_get_visible
from content.services.counters import author_counters_refresh, post_counter_add
from content.services.hashtags import post_hashtags_sync
from content.services.mentions import post_mentions_sync
from content.services.moderation import hold_for_banned_words
from content.services.search_index import post_search_index
from core.exceptions import NotFound, PermissionDenied, ValidationFailed

MAX_IMAGES = 10
EDITABLE = ("text", "sensitive", "content_warning", "visibility", "min_tier", "allow_quotes", "comment_policy")


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not 1 <= len(text) <= 5000:
        raise ValidationFailed(errors={"text": ["Write 1 to 5000 characters."]})
    return text


def _check_audience(*, author, visibility, min_tier) -> None:
    if min_tier is not None:
        if visibility != Post.Visibility.SUBSCRIBERS:
            raise ValidationFailed(errors={"min_tier": ["Only subscriber posts have a minimum tier."]})
        if min_tier.creator_id != author.pk:
            raise ValidationFailed(errors={"min_tier": ["Not one of your tiers."]})


def _attach_media(*, post: Post, author, media_ids: list) -> None:
    if len(media_ids) > MAX_IMAGES:
        raise ValidationFailed(errors={"media": [f"At most {MAX_IMAGES} images."]})
    if len(set(map(str, media_ids))) != len(media_ids):
        raise ValidationFailed(errors={"media": ["An image is listed twice."]})
    images = {
        str(m.pk): m
        for m in MediaImage.objects.select_for_update().filter(pk__in=media_ids, owner=author, post__isnull=True)
    }
    unknown = [str(i) for i in media_ids if str(i) not in images]
    if unknown:
        raise ValidationFailed(errors={"media": [f"Unknown or already used image: {i}" for i in unknown]})
    for position, media_id in enumerate(media_ids):
        image = images[str(media_id)]
        image.post, image.position = post, position
    MediaImage.objects.bulk_update(images.values(), ["post", "position"])


def _publish(post: Post) -> None:
    """What happens when a post goes public (now or at its scheduled time), in the same transaction."""
    if post.quote_of_id:
        post_counter_add(post_id=post.quote_of_id, field="quotes_count", delta=1)
        from notifications.services import notification_send

        original = Post.objects.filter(pk=post.quote_of_id).select_related("author").first()
        if original is not None:
            notification_send(recipient=original.author, type="quote", actor=post.author, target=post)
    post_mentions_sync(post=post, notify=True)
    author_counters_refresh(user_id=post.author_id)


@transaction.atomic
def post_create(
    *,
    author,
    text: str,
    media_ids: list | None = None,
    visibility: str = Post.Visibility.PUBLIC,
    min_tier=None,
    sensitive: bool = False,
    content_warning: str = "",
    scheduled_at=None,
    quote_of_id=None,
    allow_quotes: bool = True,
    comment_policy: str = Post.CommentPolicy.EVERYONE,
) -> Post:
    now = timezone.now()
    if scheduled_at is not None and scheduled_at <= now:
        raise ValidationFailed(errors={"scheduled_at": ["Must be in the future."]})
    _check_audience(author=author, visibility=visibility, min_tier=min_tier)
    quote_of = None
    if quote_of_id is not None:
        try:
            quote_of = post_get_visible(viewer=author, id=quote_of_id)
        except NotFound as exc:
            raise ValidationFailed(errors={"quote_of": ["No such post."]}) from exc
        if quote_of.repost_of_id:  # quoting a repost quotes what was reposted
            quote_of = post_get_visible(viewer=author, id=quote_of.repost_of_id)
        if not quote_of.allow_quotes and quote_of.author_id != author.pk:
            raise PermissionDenied("The author does not allow quotes of this post.")
    post = Post(
        author=author,
        text=_clean_text(text),
        visibility=visibility,
        min_tier=min_tier,
        sensitive=sensitive or bool(content_warning),
        content_warning=content_warning,
        scheduled_at=scheduled_at,
        published_at=None if scheduled_at else now,
        quote_of=quote_of,
        allow_quotes=allow_quotes,
        comment_policy=comment_policy,
    )
    post.full_clean()
    post.save()
    if media_ids:
        _attach_media(post=post, author=author, media_ids=list(media_ids))
    post_hashtags_sync(post=post)
    post_search_index(post_id=post.pk)
    if post.published_at is not None:
        _publish(post)
    # Banned words: hidden and queued for review (the rule lives in content.services.moderation).
    hold_for_banned_words(kind="post", obj=post, texts=(post.text, post.content_warning))
    return post


@transaction.atomic
def post_publish_scheduled(*, post_id) -> bool:
    """Publish one scheduled post whose time has come (the beat task calls this per post)."""
    post = (
        Post.objects.select_for_update().filter(pk=post_id, published_at__isnull=True).select_related("author").first()
    )
    if post is None or post.scheduled_at is None or post.scheduled_at > timezone.now():
        return False
    post.published_at = post.scheduled_at
    post.save(update_fields=["published_at", "updated_at"])
    _publish(post)
    return True


def _own(post_id, actor) -> Post:
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None or actor is None or post.author_id != actor.pk:
        raise NotFound("No such post.")
    return post


@transaction.atomic
def post_update(*, post_id, actor, **changes) -> Post:
    """Edit the author's own post; a text or warning change keeps the previous version in its history."""
    post = _own(post_id, actor)
    if post.repost_of_id:
        raise ValidationFailed("A repost cannot be edited.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(errors={name: ["Cannot be changed."] for name in unknown})
    if "text" in changes:
        changes["text"] = _clean_text(changes["text"])
    textual = ("text", "content_warning", "sensitive")
    if any(name in changes and changes[name] != getattr(post, name) for name in textual):
        PostEdit.objects.create(
            post=post,
            previous_text=post.text,
            previous_content_warning=post.content_warning,
            previous_sensitive=post.sensitive,
        )
        post.edited_at = timezone.now()
    for name, value in changes.items():
        setattr(post, name, value)
    if post.content_warning:
        post.sensitive = True
    _check_audience(author=actor, visibility=post.visibility, min_tier=post.min_tier)
    post.full_clean()
    post.save()
    if "text" in changes:
        post_hashtags_sync(post=post)
        post_mentions_sync(post=post, notify=post.published_at is not None)
        post_search_index(post_id=post.pk)
    return post


@transaction.atomic
def post_delete(*, post_id, actor) -> None:
    """Soft-delete (kept for moderation); the counters it moved on other posts move back."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None or actor is None or (post.author_id != actor.pk and not getattr(actor, "is_moderator", False)):
        raise NotFound("No such post.")
    _remove(post)


def _remove(post: Post) -> None:
    post.soft_delete()
    if post.published_at is not None:
        if post.repost_of_id:
            post_counter_add(post_id=post.repost_of_id, field="reposts_count", delta=-1)
        if post.quote_of_id:
            post_counter_add(post_id=post.quote_of_id, field="quotes_count", delta=-1)
    post_hashtags_sync(post=post, removing=True)
    author_counters_refresh(user_id=post.author_id)


@transaction.atomic
def repost_create(*, user, post_id) -> tuple[Post, bool]:
    """Repost a post the user can see; idempotent (the existing repost comes back, created=False)."""
    original = post_get_visible(viewer=user, id=post_id)
    if original.repost_of_id:
        original = post_get_visible(viewer=user, id=original.repost_of_id)
    if original.visibility != Post.Visibility.PUBLIC or original.author.is_private:
        raise PermissionDenied("Only public posts of public accounts can be reposted.")
    existing = Post.objects.filter(author=user, repost_of=original).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            repost = Post.objects.create(author=user, repost_of=original, text="", published_at=timezone.now())
    except IntegrityError:
        # A concurrent request made it first: the unique constraint keeps one live repost.
        return Post.objects.get(author=user, repost_of=original), False
    post_counter_add(post_id=original.pk, field="reposts_count", delta=1)
    from notifications.services import notification_send

    notification_send(recipient=original.author, type="repost", actor=user, target=original)
    return repost, True


@transaction.atomic
def repost_delete(*, user, post_id) -> bool:
    """Undo the user's repost of `post_id`; False when there was none (DELETE stays idempotent)."""
    repost = Post.objects.select_for_update().filter(author=user, repost_of_id=post_id).first()
    if repost is None:
        return False
    _remove(repost)
    return True


@transaction.atomic
def post_restore(*, post_id) -> Post:
    """Undo a soft delete (moderation); the counters and hashtag links it had come back with it."""
    post = Post.all_objects.select_for_update().filter(pk=post_id, deleted_at__isnull=False).first()
    if post is None:
        raise NotFound("No such deleted post.")
    if post.repost_of_id and Post.objects.filter(author_id=post.author_id, repost_of_id=post.repost_of_id).exists():
        raise ValidationFailed("The author has reposted this post again since; nothing to restore.")
    post.restore()
    if post.published_at is not None:
        if post.repost_of_id:
            post_counter_add(post_id=post.repost_of_id, field="reposts_count", delta=1)
        if post.quote_of_id:
            post_counter_add(post_id=post.quote_of_id, field="quotes_count", delta=1)
    post_hashtags_sync(post=post)
    author_counters_refresh(user_id=post.author_id)
    return post
