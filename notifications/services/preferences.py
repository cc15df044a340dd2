"""Writes to a user's notification settings (the API, the unsubscribe link and the admin use these)."""

from django.db import transaction

from core.exceptions import ValidationFailed
from notifications.catalogue import CATALOGUE, CHANNELS, spec_for
from notifications.models import NotificationSettings

_UNSET = object()


def notification_settings_get(*, user) -> NotificationSettings:
    """The user's settings row, or an unsaved one holding the defaults."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


@transaction.atomic
def notification_settings_update(
    *,
    user,
    channels: dict | None = None,
    quiet_hours=_UNSET,
    stranger_policy: str | None = None,
    stranger_min_account_age_days: int | None = None,
    email_digest: bool | None = None,
) -> NotificationSettings:
    """Change only what is given. `channels` is a partial {type: {channel: bool}} matrix;
    `quiet_hours` is (start, end) as times, or None to switch quiet hours off."""
    prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    if channels:
        errors = {}
        overrides = dict(prefs.channel_overrides or {})
        for type_, switches in channels.items():
            if type_ not in CATALOGUE:
                errors[f"channels.{type_}"] = ["Unknown notification type."]
                continue
            spec = spec_for(type_)
            row = dict(overrides.get(type_, {}))
            for channel, on in switches.items():
                if channel not in CHANNELS:
                    errors[f"channels.{type_}.{channel}"] = ["Unknown channel."]
                elif channel in spec.locked and not on:
                    errors[f"channels.{type_}.{channel}"] = ["This channel cannot be switched off for this type."]
                elif bool(on) == (channel in spec.defaults):
                    row.pop(channel, None)  # back to the default: store nothing
                else:
                    row[channel] = bool(on)
            if row:
                overrides[type_] = row
            else:
                overrides.pop(type_, None)
        if errors:
            raise ValidationFailed("Some notification switches are invalid.", errors=errors)
        prefs.channel_overrides = overrides
    if quiet_hours is not _UNSET:
        start, end = quiet_hours if quiet_hours else (None, None)
        if (start is None) != (end is None):
            raise ValidationFailed("Quiet hours need both a start and an end.", errors={"quiet_hours": ["Both."]})
        prefs.quiet_hours_start, prefs.quiet_hours_end = start, end
    if stranger_policy is not None:
        prefs.stranger_policy = stranger_policy
    if stranger_min_account_age_days is not None:
        prefs.stranger_min_account_age_days = stranger_min_account_age_days
    if email_digest is not None:
        prefs.email_digest = email_digest
    prefs.full_clean(exclude=["user"])
    prefs.save()
    return prefs


@transaction.atomic
def notification_unsubscribe(*, user, type_: str) -> NotificationSettings:
    """The email link's effect: no more emails of this type (or no more digests)."""
    from notifications.emails import DIGEST

    if type_ == DIGEST:
        return notification_settings_update(user=user, email_digest=False)
    if type_ not in CATALOGUE:
        raise ValidationFailed("Unknown notification type.")
    if "email" in spec_for(type_).locked:
        # Security mail cannot be switched off; the link says so instead of pretending.
        raise ValidationFailed("Security and account emails cannot be unsubscribed from.")
    return notification_settings_update(user=user, channels={type_: {"email": False}})
