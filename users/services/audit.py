"""The append-only account history: every status, role and security change says who and why."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from users.models import AccountEvent, User

logger = logging.getLogger("socialflow.users")


def account_event_record(
    *,
    user: User,
    kind: str,
    actor: User | None = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AccountEvent:
    """Append one event. Call it inside the transaction of the change it records.

    After commit the event is handed to each hook in USERS_ACCOUNT_EVENT_HOOKS (dotted paths declared in
    settings): that is how apps above users (notifications' security alerts) react without users importing
    them. A failing hook is logged; it never undoes the account change.
    """
    event = AccountEvent.objects.create(
        user=user,
        actor=actor if actor is not None and actor.pk else None,
        kind=kind,
        from_value=str(from_value or ""),
        to_value=str(to_value or ""),
        reason=reason or "",
        data=data or {},
    )
    transaction.on_commit(lambda: _announce(event))
    return event


def _announce(event: AccountEvent) -> None:
    for path in getattr(settings, "USERS_ACCOUNT_EVENT_HOOKS", []):
        try:
            import_string(path)(event)
        except Exception:
            logger.exception("account event hook %s failed for event %s", path, event.pk)
