"""Social's side of moderation: hiding comments, fingerprints of reported things, and automatic holds.

The decisions are the back office's (socialflow.backoffice.moderation); the hold rule itself is
content.services.moderation's. This module opens held items' cases (MODERATION_HOLD_HANDLER points
here, so content and livestream reach it without importing upward) and applies the reporter threshold.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.services import moderation as content_moderation
from core.exceptions import NotFound
from social.models import Comment, ModerationCase
from social.models.reports import ReportTargetType
from social.targets import counter_add

HIDEABLE = (ReportTargetType.POST, ReportTargetType.VIDEO, ReportTargetType.COMMENT)


def _comment_locked(comment_id) -> Comment:
    comment = (
        Comment.all_objects.select_for_update(of=("self",))
        .select_related("post", "video")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    return comment


@transaction.atomic
def comment_hide(*, comment_id, by=None) -> bool:
    """Staff hide of a comment (restorable); counters move like an author's delete. False if hidden."""
    comment = _comment_locked(comment_id)
    if comment.deleted_at is not None:
        return False
    comment.deleted_at = timezone.now()
    comment.deleted_by = by if getattr(by, "pk", None) else None
    comment.pinned_at = None
    comment.save(update_fields=["deleted_at", "deleted_by", "pinned_at", "updated_at"])
    counter_add(comment.post or comment.video, "comments_count", -1)
    if comment.parent_id is not None:
        counter_add(comment.parent, "reply_count", -1)
    return True


@transaction.atomic
def comment_unhide(*, comment_id) -> bool:
    comment = _comment_locked(comment_id)
    if comment.deleted_at is None:
        return False
    comment.deleted_at = None
    comment.deleted_by = None
    comment.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    counter_add(comment.post or comment.video, "comments_count", 1)
    if comment.parent_id is not None:
        counter_add(comment.parent, "reply_count", 1)
    return True


def target_hide(*, target_type: str, target_id, by=None) -> bool:
    """Hide a post, video or comment (other targets are not hidden by social). False: nothing hidden."""
    if target_type == ReportTargetType.COMMENT:
        return comment_hide(comment_id=target_id, by=by)
    if target_type in (ReportTargetType.POST, ReportTargetType.VIDEO):
        return content_moderation.content_hide(kind=target_type, id=target_id)
    return False


def target_unhide(*, target_type: str, target_id) -> bool:
    if target_type == ReportTargetType.COMMENT:
        return comment_unhide(comment_id=target_id)
    if target_type in (ReportTargetType.POST, ReportTargetType.VIDEO):
        return content_moderation.content_unhide(kind=target_type, id=target_id)
    return False


def target_fingerprint(*, target_type: str, target_id) -> str:
    """A digest of what the target says now; '' for targets that are never suppressed (accounts)."""
    if target_type == ReportTargetType.COMMENT:
        text = Comment.all_objects.filter(pk=target_id).values_list("text", flat=True).first()
        return "" if text is None else hashlib.sha256(text.encode()).hexdigest()
    if target_type in (ReportTargetType.POST, ReportTargetType.VIDEO):
        return content_moderation.content_fingerprint(kind=target_type, id=target_id)
    return ""


def dismissed_case_for_unchanged(*, target_type: str, target_id) -> ModerationCase | None:
    """The latest benign dismissal of this target if the target has not changed since, else None."""
    last = (
        ModerationCase.objects.filter(target_type=target_type, target_id=target_id)
        .exclude(status=ModerationCase.Status.OPEN)
        .order_by("-resolved_at")
        .first()
    )
    if last is None or last.status != ModerationCase.Status.DISMISSED or not last.dismissed_fingerprint:
        return None
    current = target_fingerprint(target_type=target_type, target_id=target_id)
    return last if current and current == last.dismissed_fingerprint else None


@transaction.atomic
def case_open_for_hold(*, target_type: str, target_id, owner=None, reason: str) -> ModerationCase:
    """Queue a target that a rule hid (banned words...): its open case, opened if needed, marked held."""
    for _ in range(2):
        case = (
            ModerationCase.objects.select_for_update()
            .filter(target_type=target_type, target_id=target_id, status=ModerationCase.Status.OPEN)
            .first()
        )
        if case is not None:
            break
        try:
            with transaction.atomic():
                case = ModerationCase.objects.create(target_type=target_type, target_id=target_id, target_owner=owner)
            break
        except IntegrityError:
            continue
    if case.held_at is None:
        case.held_at = timezone.now()
        case.hold_reason = reason[:200]
        case.save(update_fields=["held_at", "hold_reason", "updated_at"])
    return case


def case_hold_if_reported_enough(*, case: ModerationCase) -> bool:
    """The reporter threshold: hide the target once enough distinct people reported it (caller atomic).

    One report per person per case, so the case's report count is its number of distinct reporters.
    """
    threshold = content_moderation.auto_hold_reporters()
    if case.target_type not in HIDEABLE:
        return False
    if not threshold or case.held_at is not None or case.report_count < threshold:
        return False
    target_hide(target_type=case.target_type, target_id=case.target_id)
    case_open_for_hold(
        target_type=case.target_type,
        target_id=case.target_id,
        reason=f"reported by {case.report_count} people",
    )
    case.refresh_from_db()
    return True
