"""Staff moderation of posts and videos, and the automatic-hold rule (banned words, reporter threshold).

The back office (socialflow.backoffice.moderation) decides; these services change the content. They
take no actor check: the admin's permissions gate who reaches them, and the caller writes the audit
log in the same transaction. "Hide" is a restorable soft delete; "remove" also drops a video's files.
The hold rule lives here, the lowest layer that creates moderated text, so posts, videos, comments
and the reporter threshold in social all read the one definition.
"""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from content.models import Post, Video
from content.services.counters import author_counters_refresh
from content.services.hashtags import video_hashtags_sync
from core.exceptions import NotFound

KINDS = ("post", "video")
logger = logging.getLogger("socialflow.content")


def banned_words_in(*texts: str) -> list[str]:
    """The configured banned words (MODERATION_BANNED_WORDS) found as whole words, case-insensitive."""
    words = [w.strip() for w in getattr(settings, "MODERATION_BANNED_WORDS", []) if w and w.strip()]
    if not words:
        return []
    haystack = "\n".join(t for t in texts if t)
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", haystack, flags=re.IGNORECASE)]


def auto_hold_reporters() -> int:
    """How many distinct reporters put a target on hold (0 disables the rule)."""
    return int(getattr(settings, "MODERATION_AUTO_HOLD_REPORTERS", 0) or 0)


def hold_for_banned_words(*, kind: str, obj, texts) -> list[str]:
    """Hide a just-created item whose text has banned words and queue it; the words found (or [])."""
    found = banned_words_in(*texts)
    if not found:
        return []
    try:
        # Hidden and queued together: a hold nobody would see in the queue is worse than no hold.
        with transaction.atomic():
            content_hide(kind=kind, id=obj.pk)
            import_string(settings.MODERATION_HOLD_HANDLER)(
                target_type=kind, target_id=obj.pk, owner=obj.author, reason=f"banned words: {', '.join(found)}"
            )
    except Exception:
        # A failing hook is logged and never undoes the creation that triggered it.
        logger.exception("moderation hold of %s %s failed", kind, obj.pk)
        return []
    obj.refresh_from_db(fields=["deleted_at"])
    return found


def _locked(kind: str, id):
    if kind not in KINDS:
        raise NotFound("No such item.")
    model = Post if kind == "post" else Video
    obj = model.all_objects.select_for_update().filter(pk=id).first()
    if obj is None:
        raise NotFound(f"No such {kind}.")
    return obj


@transaction.atomic
def content_hide(*, kind: str, id) -> bool:
    """Hide a post or video pending review (restorable). False when it was already hidden."""
    obj = _locked(kind, id)
    if obj.deleted_at is not None:
        return False
    if kind == "post":
        from content.services.posts import _remove

        _remove(obj)
    else:
        obj.soft_delete()
        video_hashtags_sync(video=obj, removing=True)
        author_counters_refresh(user_id=obj.author_id)
    return True


@transaction.atomic
def content_unhide(*, kind: str, id) -> bool:
    """Undo a hide (a case dismissed as benign). False when it was not hidden."""
    obj = _locked(kind, id)
    if obj.deleted_at is None:
        return False
    if kind == "post":
        from content.services.posts import post_restore

        post_restore(post_id=obj.pk)
    else:
        obj.restore()
        video_hashtags_sync(video=obj)
        author_counters_refresh(user_id=obj.author_id)
    return True


@transaction.atomic
def content_remove(*, kind: str, id) -> None:
    """Take a post or video down for good: hidden, and a video's stored files deleted after commit."""
    content_hide(kind=kind, id=id)
    if kind == "video":
        from content.tasks import video_files_delete_task

        video_files_delete_task.delay_on_commit(str(id))


@transaction.atomic
def content_mark_sensitive(*, kind: str, id, warning: str = "") -> None:
    """Put the item behind a sensitive-content screen (posts) or an age gate (videos)."""
    obj = _locked(kind, id)
    if kind == "post":
        obj.sensitive = True
        obj.content_warning = (warning or obj.content_warning)[:200]
        obj.save(update_fields=["sensitive", "content_warning", "updated_at"])
    else:
        obj.age_restricted = True
        obj.save(update_fields=["age_restricted", "updated_at"])


def content_fingerprint(*, kind: str, id) -> str:
    """A digest of what the item says now (text, title, description, tags); '' when it does not exist."""
    import hashlib

    if kind == "post":
        row = Post.all_objects.filter(pk=id).values_list("text", "content_warning").first()
    elif kind == "video":
        row = Video.all_objects.filter(pk=id).values_list("title", "description", "tags").first()
    else:
        row = None
    if row is None:
        return ""
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()
