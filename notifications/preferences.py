"""How a recipient's settings resolve for one notification: channels, quiet hours, strangers.

Pure functions over a `NotificationSettings` row (or None for an account that never changed anything),
so the single-recipient path and the batched fan-out apply exactly the same rules.
"""

import datetime as dt
import zoneinfo

from notifications.catalogue import CHANNELS, spec_for
from notifications.models import NotificationSettings


def channel_enabled(prefs: NotificationSettings | None, type_: str, channel: str) -> bool:
    spec = spec_for(type_)
    if channel in spec.locked:
        return True
    overrides = (prefs.channel_overrides if prefs else {}) or {}
    value = overrides.get(type_, {}).get(channel)
    return (channel in spec.defaults) if value is None else bool(value)


def enabled_channels(prefs: NotificationSettings | None, type_: str) -> list[str]:
    return [c for c in CHANNELS if channel_enabled(prefs, type_, c)]


def channel_matrix(prefs: NotificationSettings | None) -> dict[str, dict[str, bool]]:
    from notifications.catalogue import CATALOGUE

    return {t: {c: channel_enabled(prefs, t, c) for c in CHANNELS} for t in CATALOGUE}


def user_zone(user) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def quiet_hours_end(prefs: NotificationSettings | None, user, now: dt.datetime) -> dt.datetime | None:
    """When the quiet hours containing `now` end (aware UTC), or None when `now` is not in quiet hours.

    Start and end are wall-clock times in the user's timezone; a window may cross midnight
    (22:00–07:00). Start == end means no quiet hours.
    """
    if prefs is None or prefs.quiet_hours_start is None or prefs.quiet_hours_end is None:
        return None
    start, end = prefs.quiet_hours_start, prefs.quiet_hours_end
    if start == end:
        return None
    zone = user_zone(user)
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= t < end
        end_date = local.date()
    else:  # crosses midnight
        inside = t >= start or t < end
        end_date = local.date() + dt.timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    # Built from the wall clock so a DST change inside the window still ends at the local time asked for.
    end_local = dt.datetime.combine(end_date, end, tzinfo=zone)
    return end_local.astimezone(dt.UTC)


def is_stranger(
    prefs: NotificationSettings | None,
    *,
    actor,
    recipient_follows_actor: bool,
    accepted: bool,
    now: dt.datetime,
) -> bool:
    """Someone the recipient does not follow, or an account younger than the user's minimum age."""
    if accepted:
        return False
    if not recipient_follows_actor:
        return True
    min_days = prefs.stranger_min_account_age_days if prefs else 0
    return bool(min_days and actor.created_at > now - dt.timedelta(days=min_days))


def stranger_policy(prefs: NotificationSettings | None) -> str:
    return prefs.stranger_policy if prefs else NotificationSettings.StrangerPolicy.ACCEPT
