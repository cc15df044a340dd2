"""Creatives: create/edit by the advertiser, automatic policy checks on submit, human review.

draft (checks failed) → submitted → approved | rejected; any edit of a submitted, approved or
rejected creative runs the checks again and sends it back to review.
"""

from django.db import transaction
from django.utils import timezone

from ads.media_sniff import sniff_upload
from ads.models import Campaign, Creative
from ads.notify import notify_creative_approved, notify_creative_rejected
from ads.policy import creative_checks
from ads.serving.index import index_invalidate
from core.exceptions import Conflict, PermissionDenied, ValidationFailed

EDITABLE = ("format", "headline", "body", "media", "cta_label", "cta_url", "promoted_post")


def _apply(creative: Creative, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValidationFailed(errors={name: ["This field cannot be changed."]})
        if name == "media":
            if value:
                creative.media_content_type, creative.media_size = sniff_upload(value)
            else:
                creative.media_content_type, creative.media_size = "", 0
        setattr(creative, name, value)
    if creative.format not in Creative.Format.values:
        raise ValidationFailed(errors={"format": ["Unknown format."]})


def _check_promoted_post(creative: Creative) -> None:
    post = getattr(creative, "promoted_post", None)
    if post is None:
        return
    # Only the advertiser's own public, published post may be promoted.
    if post.author_id != creative.campaign.advertiser.user_id or post.visibility != "public" or not post.published_at:
        raise ValidationFailed(errors={"promoted_post": ["Promote one of your own public, published posts."]})


def _submit(creative: Creative) -> None:
    results = creative_checks(creative)
    creative.check_results = [r.as_dict() for r in results]
    creative.status = Creative.Status.SUBMITTED if all(r.passed for r in results) else Creative.Status.DRAFT
    creative.submitted_at = timezone.now() if creative.status == Creative.Status.SUBMITTED else None
    creative.rejection_reason = ""
    creative.reviewed_at = None
    creative.reviewed_by = None


@transaction.atomic
def creative_create(*, campaign: Campaign, **fields) -> Creative:
    """Create and submit: automatic checks run now; passing creatives wait for a reviewer."""
    if campaign.status == Campaign.Status.COMPLETED:
        raise Conflict("A completed campaign takes no new ads.")
    creative = Creative(campaign=campaign)
    _apply(creative, fields)
    _check_promoted_post(creative)
    _submit(creative)
    creative.full_clean()
    creative.save()
    return creative


@transaction.atomic
def creative_update(*, creative: Creative, **fields) -> Creative:
    creative = Creative.objects.select_for_update().select_related("campaign__advertiser").get(pk=creative.pk)
    was_approved = creative.status == Creative.Status.APPROVED
    _apply(creative, fields)
    _check_promoted_post(creative)
    _submit(creative)  # any edit goes back through checks and review
    creative.full_clean()
    creative.save()
    if was_approved:
        index_invalidate()  # it stops serving until approved again
    return creative


@transaction.atomic
def creative_submit(*, creative: Creative) -> Creative:
    creative = Creative.objects.select_for_update().select_related("campaign__advertiser").get(pk=creative.pk)
    if creative.status not in (Creative.Status.DRAFT, Creative.Status.REJECTED):
        raise Conflict(f"A {creative.status} creative cannot be submitted again.")
    _submit(creative)
    creative.save()
    return creative


def _reviewable(creative: Creative, by) -> Creative:
    if by is None or not (by.is_staff or by.is_moderator):
        raise PermissionDenied("Only staff review ads.")
    creative = Creative.objects.select_for_update().select_related("campaign__advertiser__user").get(pk=creative.pk)
    if creative.status != Creative.Status.SUBMITTED:
        raise Conflict(f"Only submitted creatives are reviewed; this one is {creative.status}.")
    return creative


@transaction.atomic
def creative_approve(*, creative: Creative, by) -> Creative:
    creative = _reviewable(creative, by)
    creative.status = Creative.Status.APPROVED
    creative.reviewed_by, creative.reviewed_at = by, timezone.now()
    creative.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    index_invalidate()
    notify_creative_approved(creative=creative)
    return creative


@transaction.atomic
def creative_reject(*, creative: Creative, by, reason: str) -> Creative:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(errors={"reason": ["Tell the advertiser why the ad was rejected."]})
    creative = _reviewable(creative, by)
    creative.status = Creative.Status.REJECTED
    creative.rejection_reason = reason[:1000]
    creative.reviewed_by, creative.reviewed_at = by, timezone.now()
    creative.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"])
    notify_creative_rejected(creative=creative)
    return creative
