"""Security alerts in the app (and by push/email per the catalogue) for changes to a person's account.

users records every security change as an AccountEvent and, after commit, calls the hooks listed in
USERS_ACCOUNT_EVENT_HOOKS; this is the one notifications registers. Suspensions and bans are announced
by the back-office moderation service itself (with the reason), so they are not repeated here.
"""

from notifications.catalogue import NotificationType
from notifications.services import notification_send

# AccountEvent kinds that warrant telling the account owner, with the line they read.
ALERTS = {
    "password_changed": "Your password was changed.",
    "password_reset": "Your password was reset.",
    "2fa_enabled": "Two-factor authentication was turned on.",
    "2fa_disabled": "Two-factor authentication was turned off.",
    "2fa_reset": "Two-factor authentication was reset by staff.",
    "backup_codes": "New backup codes were generated; the old ones no longer work.",
    "token_reuse": "A used sign-in token was presented again; that session was signed out to be safe.",
}


def security_alert_from_account_event(event) -> None:
    message = ALERTS.get(event.kind)
    if message is None:
        return
    notification_send(
        recipient=event.user,
        type=NotificationType.SECURITY_ALERT,
        data={"event": event.kind, "message": message, "at": event.created_at.isoformat()},
    )
