"""Threaded comments: create (with the item's comment policy), edit, delete, pin; their notifications."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CommentPolicy, Post, Video
from content.services import moderation as content_moderation
from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.services import notification_send
from payments.selectors import subscription_grants_access
from social.mentions import mentioned_users
from social.models import Comment
from social.models.comments import COMMENT_MAX_LENGTH
from social.targets import content_get_visible, counter_add, kind_of
from users.models import User
from users.selectors import is_blocked_between, is_following

# A comment naming more people than this notifies only the first ones (mention spam costs the spammer).
MENTION_NOTIFY_LIMIT = 10


def comment_policy_allows(*, user: User, target: Post | Video) -> bool:
    """Whether `user` may comment on `target` under the policy its author chose."""
    owner = target.author
    if user.pk == owner.pk:
        return True  # the author may always take part in their own thread
    if isinstance(target, Video) and not target.comments_enabled:
        return False
    policy = target.comment_policy
    if policy == CommentPolicy.EVERYONE:
        return True
    if policy == CommentPolicy.FOLLOWERS:
        return is_following(follower=user, following=owner)
    if policy == CommentPolicy.SUBSCRIBERS:
        return subscription_grants_access(fan=user, creator=owner)
    return False  # nobody


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A comment needs text.", errors={"text": ["This field may not be blank."]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            "The comment is too long.",
            errors={"text": [f"Ensure this field has no more than {COMMENT_MAX_LENGTH} characters."]},
        )
    return text


@transaction.atomic
def comment_create(*, author: User, target: Post | Video, text: str, parent: Comment | None = None) -> Comment:
    """Comment on a post or video the caller already checked `author` may see, or reply to `parent`.

    The item's comment policy decides who may comment (403: the item is visible, the door is closed).
    A reply must be on the same item; replying to a removed comment, or to someone who blocked you, is a
    404 (that comment does not exist for you). Counters: the item's comments_count and the parent's
    reply_count move with F() here.
    """
    kind = kind_of(target)
    text = _clean_text(text)
    if not comment_policy_allows(user=author, target=target):
        raise PermissionDenied("The author limited who can comment on this.", code="comments_restricted")
    if parent is not None:
        if parent.target_kind != kind or parent.target_id != target.pk:
            raise ValidationFailed("The parent comment is on another item.", errors={"parent": ["Not on this item."]})
        if parent.is_deleted or is_blocked_between(author, parent.author):
            raise NotFound("No such comment.")
    comment = Comment(author=author, parent=parent, text=text, **{kind: target})
    comment.full_clean(validate_unique=False, validate_constraints=False)
    comment.save(force_insert=True)
    counter_add(target, "comments_count", 1)
    if parent is not None:
        counter_add(parent, "reply_count", 1)
    _notify_new_comment(comment, target, parent)
    found = content_moderation.banned_words_in(comment.text)
    if found:
        # Hidden and queued for review; the rule is content.services.moderation's, the hold social's.
        from social.services.moderation import case_open_for_hold, comment_hide

        comment_hide(comment_id=comment.pk)
        comment.refresh_from_db(fields=["deleted_at"])
        case_open_for_hold(
            target_type="comment", target_id=comment.pk, owner=author, reason=f"banned words: {', '.join(found)}"
        )
    return comment


def _notify_new_comment(comment: Comment, target, parent: Comment | None) -> None:
    notified = {comment.author_id}
    data = {"kind": kind_of(target), "comment_id": str(comment.pk)}
    if parent is not None and parent.author_id not in notified:
        notification_send(recipient=parent.author, type="reply", actor=comment.author, target=comment, data=data)
        notified.add(parent.author_id)
    if target.author_id not in notified:
        notification_send(recipient=target.author, type="comment", actor=comment.author, target=comment, data=data)
        notified.add(target.author_id)
    for user in mentioned_users(comment.text, limit=MENTION_NOTIFY_LIMIT):
        if user.pk in notified:
            continue
        notified.add(user.pk)
        try:
            # Naming someone who may not see the item must not show it to them in a notification.
            content_get_visible(viewer=user, kind=data["kind"], id=target.pk)
        except NotFound:
            continue
        notification_send(recipient=user, type="mention", actor=comment.author, target=comment, data=data)


@transaction.atomic
def comment_update(*, comment: Comment, by: User, text: str) -> Comment:
    """Only the author edits; the edit is marked (edited_at)."""
    if comment.author_id != by.pk:
        raise PermissionDenied("Only the author can edit a comment.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.text = _clean_text(text)
    comment.edited_at = timezone.now()
    comment.full_clean(validate_unique=False, validate_constraints=False)
    comment.save(update_fields=["text", "edited_at", "updated_at"])
    return comment


def can_delete_comment(*, comment: Comment, by: User, target) -> bool:
    return by.pk in (comment.author_id, target.author_id) or by.is_moderator


@transaction.atomic
def comment_delete(*, comment: Comment, by: User, target: Post | Video) -> None:
    """Soft-delete: by its author, the item's owner, or a moderator. Replies stay in the thread.

    Idempotent for a comment already deleted. A pinned comment is unpinned.
    """
    if not can_delete_comment(comment=comment, by=by, target=target):
        raise PermissionDenied("You cannot delete this comment.")
    # Lock the row: two deletes at once must move the counters once.
    locked = Comment.all_objects.select_for_update().get(pk=comment.pk)
    if locked.is_deleted:
        return
    locked.deleted_at = timezone.now()
    locked.deleted_by = by
    locked.pinned_at = None
    locked.save(update_fields=["deleted_at", "deleted_by", "pinned_at", "updated_at"])
    counter_add(target, "comments_count", -1)
    if locked.parent_id is not None:
        counter_add(locked.parent, "reply_count", -1)
    comment.deleted_at = locked.deleted_at


@transaction.atomic
def comment_pin(*, comment: Comment, by: User, target: Post | Video) -> Comment:
    """The item's owner pins one top-level comment; pinning another replaces it."""
    if target.author_id != by.pk:
        raise PermissionDenied("Only the author of the item can pin a comment.")
    if comment.parent_id is not None:
        raise ValidationFailed("Only top-level comments can be pinned.", errors={"comment": ["This is a reply."]})
    kind = kind_of(target)
    # Unpin first: the partial unique index allows one pinned comment per item.
    Comment.all_objects.filter(**{kind: target}, pinned_at__isnull=False).exclude(pk=comment.pk).update(pinned_at=None)
    if comment.pinned_at is None:
        comment.pinned_at = timezone.now()
        try:
            with transaction.atomic():
                comment.save(update_fields=["pinned_at", "updated_at"])
        except IntegrityError:
            # Two pins of different comments raced; the partial unique index kept one.
            comment.pinned_at = None
            raise Conflict("Another comment was pinned at the same moment; try again.") from None
    return comment


@transaction.atomic
def comment_unpin(*, comment: Comment, by: User, target: Post | Video) -> Comment:
    if target.author_id != by.pk:
        raise PermissionDenied("Only the author of the item can unpin a comment.")
    if comment.pinned_at is not None:
        comment.pinned_at = None
        comment.save(update_fields=["pinned_at", "updated_at"])
    return comment
