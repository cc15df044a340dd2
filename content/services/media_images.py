"""Image uploads for posts: stored before the post that carries them, attached by post_create."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from content.media.images import InvalidImage, process_image
from content.models import MediaImage
from core.exceptions import PayloadTooLarge, ValidationFailed

ORPHAN_AGE = datetime.timedelta(days=1)


@transaction.atomic
def media_image_upload(*, owner, file, alt_text: str = "") -> MediaImage:
    """Validate by content (not by name or declared type), re-encode without EXIF, store with a thumbnail."""
    if file.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"Images are limited to {settings.IMAGE_MAX_UPLOAD_BYTES} bytes.")
    if len(alt_text) > 1000:
        raise ValidationFailed(errors={"alt_text": ["At most 1000 characters."]})
    try:
        processed = process_image(file)
    except InvalidImage as exc:
        raise ValidationFailed(str(exc), errors={"file": [str(exc)]}) from exc
    image = MediaImage(owner=owner, width=processed.width, height=processed.height, format=processed.format)
    base = f"images/{owner.pk}/{image.pk}"
    image.image = default_storage.save(f"{base}.{processed.extension}", ContentFile(processed.data))
    image.thumbnail = default_storage.save(f"{base}_thumb.{processed.extension}", ContentFile(processed.thumbnail))
    image.size_bytes = len(processed.data)
    image.alt_text = alt_text
    image.full_clean()
    image.save()
    return image


def media_orphans_sweep(*, now=None) -> int:
    """Delete images never attached to a post within ORPHAN_AGE (files first, then rows)."""
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    removed = 0
    for image in MediaImage.objects.filter(post__isnull=True, created_at__lt=cutoff)[:1000]:
        default_storage.delete(image.image)
        default_storage.delete(image.thumbnail)
        image.delete()
        removed += 1
    return removed
