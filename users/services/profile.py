"""Profile edits and the avatar pipeline."""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import PayloadTooLarge, ValidationFailed
from core.ids import uuid7
from users.models import User
from users.services.registration import username_validate

EDITABLE_FIELDS = (
    "username",
    "display_name",
    "bio",
    "website",
    "location",
    "country",
    "language",
    "birth_date",
    "timezone",
    "is_private",
)
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@transaction.atomic
def user_profile_update(*, user: User, data: dict) -> User:
    """Change the editable profile fields. Role, status, counters and flags are not reachable here."""
    from users.services.relationships import follow_requests_accept_all

    locked = User.objects.select_for_update().get(pk=user.pk)
    was_private = locked.is_private
    changed = []
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "username":
            value = username_validate(value, exclude=locked)
        setattr(locked, name, value)
        changed.append(name)
    if not changed:
        return locked
    locked.full_clean(exclude=["password", "avatar"], validate_constraints=False, validate_unique=False)
    locked.save(update_fields=[*changed, "updated_at"])
    if was_private and not locked.is_private:
        # Turning public: people who asked are now simply followers.
        follow_requests_accept_all(user=locked)
        locked.refresh_from_db(fields=["followers_count", "following_count"])
    return locked


def _avatar_image(upload) -> Image.Image:
    """Open and check the upload by its content (never its name or declared type)."""
    if upload.size > settings.AVATAR_MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"Avatars may be at most {settings.AVATAR_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    data = upload.read()
    try:
        probe = Image.open(io.BytesIO(data))
        probe.verify()  # structural check; the image must be reopened after it
        image = Image.open(io.BytesIO(data))
        if image.format not in AVATAR_FORMATS:
            raise ValidationFailed("Use a JPEG, PNG, WebP or GIF image.", errors={"avatar": ["Unsupported format."]})
        if image.width * image.height > settings.AVATAR_MAX_PIXELS:
            raise ValidationFailed("That image is too large.", errors={"avatar": ["Too many pixels."]})
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationFailed("That file is not an image.", errors={"avatar": ["Not a valid image."]}) from None
    return image


def _avatar_render(image: Image.Image) -> bytes:
    """Square-crop to AVATAR_SIZE and re-encode: orientation applied, EXIF and other metadata gone."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    size = settings.AVATAR_SIZE
    image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)  # a fresh file: no exif= given, none written
    return out.getvalue()


def user_avatar_set(*, user: User, upload) -> User:
    """Validate, resize and store a new avatar; the old file is deleted after commit."""
    rendered = _avatar_render(_avatar_image(upload))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.avatar.name if locked.avatar else ""
        locked.avatar.save(f"{user.pk.hex}-{uuid7().hex[-8:]}.webp", ContentFile(rendered), save=False)
        locked.save(update_fields=["avatar", "updated_at"])
        if old:
            storage = locked.avatar.storage
            transaction.on_commit(lambda: storage.delete(old))
    user.avatar = locked.avatar
    return user
