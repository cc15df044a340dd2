"""Reports, grouped into one open moderation case per target.

The back office (another app's admin) works the cases; this module gives it the models and
`report_create`. Targets that live above this app (live-stream chat messages) are resolved through
`settings.SOCIAL_REPORT_TARGET_RESOLVERS`: {target_type: "dotted.path"} to a callable
`(*, viewer, target_id) -> owner User | None` that raises core.exceptions.NotFound when the viewer
cannot see the target. The dependency is declared in settings, so this app never imports upward.
"""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from core.exceptions import Conflict, NotFound, ValidationFailed
from social.models import ModerationCase, Report
from social.models.reports import ReportCategory, ReportTargetType
from social.services.moderation import case_hold_if_reported_enough, dismissed_case_for_unchanged
from social.targets import content_get_visible
from users.models import User
from users.selectors import user_get_visible

RELATED_IDS_LIMIT = 20
logger = logging.getLogger("socialflow.social")


def report_target_owner(*, viewer: User, target_type: str, target_id) -> User | None:
    """Whose account or content the target is, if `viewer` may see it; NotFound otherwise."""
    from social.selectors.comments import comment_get_visible

    if target_type == ReportTargetType.USER:
        user = user_get_visible(viewer=viewer, lookup=target_id)
        if user is None:
            raise NotFound("No such account.")
        return user
    if target_type in (ReportTargetType.POST, ReportTargetType.VIDEO):
        return content_get_visible(viewer=viewer, kind=target_type, id=target_id).author
    if target_type == ReportTargetType.COMMENT:
        return comment_get_visible(viewer=viewer, id=target_id).author
    path = settings.SOCIAL_REPORT_TARGET_RESOLVERS.get(target_type)
    if not path:
        raise ValidationFailed(
            "This kind of target cannot be reported here.", errors={"target_type": ["Not reportable."]}
        )
    try:
        resolve = import_string(path)
    except ImportError:
        # The app that owns this kind of target is not installed (or not deployed yet).
        logger.error("report target resolver %s for %s cannot be imported", path, target_type)
        raise ValidationFailed(
            "This kind of target cannot be reported yet.", errors={"target_type": ["Not reportable."]}
        ) from None
    return resolve(viewer=viewer, target_id=target_id)


def _clean_related_ids(related_ids) -> list[str]:
    cleaned = []
    for value in related_ids or []:
        try:
            cleaned.append(str(uuid.UUID(str(value))))
        except ValueError:
            raise ValidationFailed("Related ids must be ids.", errors={"related_ids": [f"Not an id: {value}"]})
    if len(cleaned) > RELATED_IDS_LIMIT:
        raise ValidationFailed(errors={"related_ids": [f"At most {RELATED_IDS_LIMIT} ids."]})
    return list(dict.fromkeys(cleaned))


def _open_case_locked(*, target_type: str, target_id, owner: User | None) -> ModerationCase:
    """The target's open case, row-locked; created when there is none.

    Two first reports at once both try to insert; the partial unique index (one open case per target)
    lets one win, and the loser re-reads the winner's row under the lock.
    """
    for _ in range(2):
        case = (
            ModerationCase.objects.select_for_update()
            .filter(target_type=target_type, target_id=target_id, status=ModerationCase.Status.OPEN)
            .first()
        )
        if case is not None:
            return case
        try:
            with transaction.atomic():
                return ModerationCase.objects.create(target_type=target_type, target_id=target_id, target_owner=owner)
        except IntegrityError:
            continue
    raise Conflict("The report could not be filed; try again.")


def _benign_case_locked(*, target_type: str, target_id) -> ModerationCase | None:
    """With no open case, a dismissal as benign of the unchanged target keeps new reports on that
    closed case (counted, not reopened); editing the target lets the next report open a new case."""
    if ModerationCase.objects.filter(
        target_type=target_type, target_id=target_id, status=ModerationCase.Status.OPEN
    ).exists():
        return None
    dismissed = dismissed_case_for_unchanged(target_type=target_type, target_id=target_id)
    return None if dismissed is None else ModerationCase.objects.select_for_update().get(pk=dismissed.pk)


@transaction.atomic
def report_create(
    *, reporter: User, target_type: str, target_id, category: str, text: str = "", related_ids=()
) -> Report:
    """File a report; it joins the target's open moderation case (or opens one).

    One report per person per case (a repeat is a 409). Reporting yourself or something you cannot see
    is refused (400 / 404).
    """
    if target_type not in ReportTargetType.values:
        raise ValidationFailed(errors={"target_type": [f"Choose one of: {', '.join(ReportTargetType.values)}."]})
    if category not in ReportCategory.values:
        raise ValidationFailed(errors={"category": [f"Choose one of: {', '.join(ReportCategory.values)}."]})
    try:
        target_uuid = uuid.UUID(str(target_id))
    except ValueError:
        raise NotFound("No such target.")
    owner = report_target_owner(viewer=reporter, target_type=target_type, target_id=target_uuid)
    if owner is not None and owner.pk == reporter.pk:
        raise ValidationFailed("You cannot report yourself or your own content.")
    case = _benign_case_locked(target_type=target_type, target_id=target_uuid)
    if case is None:
        case = _open_case_locked(target_type=target_type, target_id=target_uuid, owner=owner)
    if Report.objects.filter(reporter=reporter, case=case).exists():
        raise Conflict("You already reported this.", code="already_reported")
    report = Report(
        reporter=reporter,
        case=case,
        target_type=target_type,
        target_id=target_uuid,
        category=category,
        text=(text or "").strip(),
        related_ids=_clean_related_ids(related_ids),
    )
    report.full_clean(validate_unique=False, validate_constraints=False)
    report.save(force_insert=True)
    now = timezone.now()
    # The case row is locked, so reading and extending its category list cannot lose an update.
    categories = list(case.categories)
    if category not in categories:
        categories.append(category)
    ModerationCase.objects.filter(pk=case.pk).update(
        report_count=F("report_count") + 1, categories=categories, last_reported_at=now, updated_at=now
    )
    case.refresh_from_db()
    if case.status == ModerationCase.Status.OPEN:
        case_hold_if_reported_enough(case=case)
    report.case = case
    return report
