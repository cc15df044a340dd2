"""Registering and removing push devices (FCM tokens and Web Push subscriptions)."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import NotFound, ValidationFailed
from notifications.models import PushDevice


@transaction.atomic
def push_device_register(
    *, user, kind: str, token: str, platform: str | None = None, p256dh: str = "", auth: str = ""
) -> PushDevice:
    """Register (or re-activate) a device. A token is one physical device: if another account had it
    (someone signed out and another signed in on the same phone), it moves to this user."""
    if kind == PushDevice.Kind.WEBPUSH and not (p256dh and auth):
        raise ValidationFailed("A Web Push subscription needs its p256dh and auth keys.")
    platform = platform or (PushDevice.Platform.WEB if kind == PushDevice.Kind.WEBPUSH else PushDevice.Platform.ANDROID)
    device = PushDevice.objects.select_for_update().filter(token=token).first()
    if device is None:
        device = PushDevice(token=token)
    device.user = user
    device.kind = kind
    device.platform = platform
    device.p256dh = p256dh
    device.auth = auth
    device.is_active = True
    device.consecutive_failures = 0
    device.last_error = ""
    device.deactivated_at = None
    device.full_clean(validate_unique=False)
    device.save()
    return device


@transaction.atomic
def push_device_unregister(*, user, token: str) -> None:
    """Sign-out on a device: the token stops receiving this user's pushes. Unknown tokens are NotFound."""
    device = PushDevice.objects.select_for_update().filter(user=user, token=token, is_active=True).first()
    if device is None:
        raise NotFound("Push token not found.")
    device.is_active = False
    device.deactivated_at = timezone.now()
    device.last_error = "unregistered by the user"
    device.save(update_fields=["is_active", "deactivated_at", "last_error", "updated_at"])
