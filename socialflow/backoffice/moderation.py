"""The moderation workflow: every decision on a case goes through here, and only here.

A case moves open → resolved (an action was taken) or open → dismissed (benign). Each action calls the
owning app's service (content hides posts and videos, social hides comments, livestream deletes chat
messages, users suspends and bans), and writes an audit entry (who, what, when, why) in the same
transaction. The reporters (`report_resolved`) and the offender are notified after commit.

This module is the top layer, so it may import every app; the apps reach the case only through
social's services (report grouping, automatic holds).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from content.services import moderation as content_moderation
from core.audit import audit_record
from core.exceptions import Conflict, NotFound, ValidationFailed
from core.models import AuditLogEntry
from notifications.services import notification_send
from social.models import ModerationCase, Report
from social.models.reports import ReportTargetType as T
from social.services import moderation as social_moderation
from users.services.status import user_ban, user_suspend


class Action:
    HIDE = "hide"
    REMOVE = "remove"
    MARK_SENSITIVE = "mark_sensitive"
    WARN = "warn"
    SUSPEND = "suspend"
    BAN = "ban"
    DISMISS = "dismiss"

    CHOICES = [
        (HIDE, "Hide the content"),
        (REMOVE, "Remove the content"),
        (MARK_SENSITIVE, "Mark sensitive"),
        (WARN, "Warn the user"),
        (SUSPEND, "Suspend the user for N days"),
        (BAN, "Ban the user"),
        (DISMISS, "Dismiss as benign"),
    ]
    ALL = tuple(value for value, _ in CHOICES)


MAX_SUSPENSION_DAYS = 365
NOTE_ACTION = "moderation.note"
ASSIGN_ACTION = "moderation.assign"


def _locked_open(case: ModerationCase) -> ModerationCase:
    locked = ModerationCase.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise NotFound("No such case.")
    if locked.status != ModerationCase.Status.OPEN:
        raise Conflict(f"This case is already {locked.status}.", code="case_closed")
    return locked


@transaction.atomic
def case_assign(*, case: ModerationCase, to, by=None) -> ModerationCase:
    """Give an open case to a staff member (`to=None` unassigns). Recorded in the audit log."""
    locked = _locked_open(case)
    if to is not None and not to.is_staff:
        raise ValidationFailed("Cases go to staff members.", errors={"to": ["Not a staff member."]})
    locked.assigned_to = to
    locked.assigned_at = timezone.now() if to is not None else None
    locked.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    audit_record(
        actor=by or to,
        action=ASSIGN_ACTION,
        target=locked,
        data={"to": str(to.pk) if to is not None else None},
    )
    case.assigned_to, case.assigned_at = locked.assigned_to, locked.assigned_at
    return case


@transaction.atomic
def case_note_add(*, case: ModerationCase, by, text: str) -> AuditLogEntry:
    """A moderator's note on a case (any state). Notes live in the append-only audit log."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A note needs text.", errors={"text": ["This field is required."]})
    if len(text) > 5000:
        raise ValidationFailed(errors={"text": ["At most 5000 characters."]})
    return audit_record(actor=by, action=NOTE_ACTION, target=case, reason=text)


def case_notes(*, case: ModerationCase):
    return (
        AuditLogEntry.objects.filter(target_app="social", target_kind="moderationcase", target_id=str(case.pk))
        .select_related("actor")
        .order_by("created_at")
    )


def _chat_message_delete(case: ModerationCase, by) -> None:
    # Livestream is a sibling-top app; imported here only (the back office sits above it).
    from livestream.models import ChatMessage
    from livestream.services.moderation import chat_message_delete

    message = ChatMessage.all_objects.filter(pk=case.target_id).first()
    if message is None:
        raise NotFound("The chat message no longer exists.")
    if message.deleted_at is None:
        chat_message_delete(stream_id=message.stream_id, actor=by, message_id=message.pk)


def _content_action(case: ModerationCase, action: str, by, reason: str) -> None:
    kind = case.target_type
    if kind == T.USER:
        raise ValidationFailed(f"An account cannot be given “{action}”; warn, suspend or ban it.")
    if kind == T.CHAT_MESSAGE:
        if action == Action.MARK_SENSITIVE:
            raise ValidationFailed("Chat messages cannot be marked sensitive; hide them.")
        _chat_message_delete(case, by)
        return
    if action == Action.MARK_SENSITIVE:
        if kind == T.COMMENT:
            raise ValidationFailed("Comments cannot be marked sensitive; hide them.")
        content_moderation.content_mark_sensitive(kind=kind, id=case.target_id, warning=reason[:200])
        if case.held_at is not None:
            # Sensitive but allowed: a held item comes back behind its warning.
            social_moderation.target_unhide(target_type=kind, target_id=case.target_id)
    elif action == Action.REMOVE and kind in (T.POST, T.VIDEO):
        content_moderation.content_remove(kind=kind, id=case.target_id)
    else:
        social_moderation.target_hide(target_type=kind, target_id=case.target_id, by=by)


def _offender(case: ModerationCase):
    if case.target_owner is None:
        raise ValidationFailed("This case has no known account to act on.")
    return case.target_owner


@transaction.atomic
def case_act(*, case: ModerationCase, by, action: str, reason: str, days: int | None = None) -> ModerationCase:
    """Decide an open case: apply `action` through the owning app, close the case, audit, notify.

    `days` is required for a suspension (1..365). Dismissing as benign restores a held target and
    records the target's fingerprint, so reports on the same unchanged content do not reopen it.
    """
    if action not in Action.ALL:
        raise ValidationFailed(errors={"action": [f"Choose one of: {', '.join(Action.ALL)}."]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why.", errors={"reason": ["This field is required."]})
    if action == Action.SUSPEND and (not isinstance(days, int) or not 1 <= days <= MAX_SUSPENSION_DAYS):
        raise ValidationFailed(errors={"days": [f"A suspension lasts 1 to {MAX_SUSPENSION_DAYS} days."]})
    locked = _locked_open(case)
    now = timezone.now()
    data = {"target_type": locked.target_type, "target_id": str(locked.target_id)}
    if locked.target_owner_id:
        data["offender"] = str(locked.target_owner_id)

    if action in (Action.HIDE, Action.REMOVE, Action.MARK_SENSITIVE):
        _content_action(locked, action, by, reason)
    elif action == Action.SUSPEND:
        until = now + timedelta(days=days)
        user_suspend(user=_offender(locked), by=by, until=until, reason=reason)
        data.update(days=days, until=until.isoformat())
    elif action == Action.BAN:
        user_ban(user=_offender(locked), by=by, reason=reason)
    elif action == Action.WARN:
        _offender(locked)
    elif action == Action.DISMISS:
        if locked.held_at is not None:
            social_moderation.target_unhide(target_type=locked.target_type, target_id=locked.target_id)
        locked.dismissed_fingerprint = social_moderation.target_fingerprint(
            target_type=locked.target_type, target_id=locked.target_id
        )

    locked.status = ModerationCase.Status.DISMISSED if action == Action.DISMISS else ModerationCase.Status.RESOLVED
    locked.resolved_at = now
    locked.resolved_by = by
    locked.resolution_action = action
    locked.resolution_reason = reason
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(
        update_fields=[
            "status", "resolved_at", "resolved_by", "resolution_action", "resolution_reason",
            "dismissed_fingerprint", "updated_at",
        ]
    )  # fmt: skip
    audit_record(actor=by, action=f"moderation.{action}", target=locked, reason=reason, data=data)
    transaction.on_commit(lambda: _notify_outcome(locked.pk))
    for name in ("status", "resolved_at", "resolved_by", "resolution_action", "resolution_reason"):
        setattr(case, name, getattr(locked, name))
    case.dismissed_fingerprint = locked.dismissed_fingerprint
    return case


OFFENDER_NOTICE = {
    Action.HIDE: ("moderation_warning", "Your content was hidden for breaking the community rules."),
    Action.REMOVE: ("moderation_warning", "Your content was removed for breaking the community rules."),
    Action.MARK_SENSITIVE: ("moderation_warning", "Your content was marked sensitive."),
    Action.WARN: ("moderation_warning", "You received a warning from the moderators."),
    Action.SUSPEND: ("account_suspended", "Your account was suspended."),
    Action.BAN: ("account_suspended", "Your account was banned."),
}


def _notify_outcome(case_id) -> None:
    """After commit: each reporter learns the outcome of their report; the offender, what happened."""
    case = ModerationCase.objects.select_related("target_owner").get(pk=case_id)
    outcome = {"case": str(case.pk), "action": case.resolution_action, "status": case.status}
    reporter_ids = Report.objects.filter(case=case).values_list("reporter_id", flat=True)
    from users.models import User

    for reporter in User.objects.filter(pk__in=list(reporter_ids)):
        notification_send(recipient=reporter, type="report_resolved", target=case, data=outcome)
    notice = OFFENDER_NOTICE.get(case.resolution_action)
    if notice and case.target_owner is not None:
        type_, message = notice
        notification_send(
            recipient=case.target_owner,
            type=type_,
            target=case,
            data={**outcome, "message": message, "reason": case.resolution_reason},
        )
